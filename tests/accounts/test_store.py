"""The accounts store: accounts, server-side sessions and the audit log (SQLite in a temporary folder)."""

from __future__ import annotations

import stat

import pytest
import sqlalchemy as sa

from accounts.store import SESSION_SECONDS, AccountError, AgentStore, database_url

PASSWORD = "a-long-password-1"


def test_the_database_is_the_agent_db_file_or_the_tracker_postgres():
    assert database_url({"AGENT_DB": "/srv/agents.db"}) == "sqlite:////srv/agents.db"
    assert database_url({}).endswith("/var/agents.db")
    url = database_url(
        {
            "TRACKER_STORE": "postgres",
            "POSTGRES_HOST": "db",
            "POSTGRES_PORT": "5433",
            "POSTGRES_DB": "triage",
            "POSTGRES_USER": "u",
            "POSTGRES_PASSWORD": "p",
        }
    )
    assert url == "postgresql://u:p@db:5433/triage"


def test_the_sqlite_file_is_for_its_owner_only(store, tmp_path):
    store.ready()
    path = tmp_path / "db" / "agents.db"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    names = set(sa.inspect(store.engine).get_table_names())
    assert names and all(name.startswith("agent_") for name in names)


def test_accounts_are_added_with_a_hash_listed_disabled_and_reset(store):
    store.add("ana", PASSWORD)
    store.add("sam", PASSWORD, role="supervisor")
    ana = store.get("ana")
    assert ana.role == "agent" and not ana.disabled and ana.password_hash.startswith("$argon2id$")
    with store.engine.begin() as conn:
        dump = repr(conn.execute(sa.text("select * from agent_accounts")).all())
    assert PASSWORD not in dump
    assert [a.username for a in store.accounts()] == ["ana", "sam"]
    assert PASSWORD not in repr(store.accounts()) and "argon2" not in repr(store.accounts())
    store.set_disabled("ana", True)
    assert store.get("ana").disabled
    store.set_disabled("ana", False)
    old_hash = store.get("ana").password_hash
    store.reset("ana", "another-long-password")
    assert store.get("ana").password_hash != old_hash


def test_refused_changes(store):
    store.add("ana", PASSWORD)
    for change in (
        lambda: store.add("ana", PASSWORD),
        lambda: store.add("bob", "too-short"),
        lambda: store.add("bob", PASSWORD, role="admin"),
        lambda: store.add(" bob", PASSWORD),
        lambda: store.reset("nobody", PASSWORD),
        lambda: store.reset("ana", "too-short"),
        lambda: store.set_disabled("nobody", True),
    ):
        with pytest.raises(AccountError):
            change()


def test_a_session_is_kept_as_a_hash_and_reads_back(store):
    store.add("sam", PASSWORD, role="supervisor")
    token, csrf = store.create_session("sam")
    assert len(token) >= 43  # 32 random bytes, URL-safe base64
    session = store.session(token)
    assert (session.username, session.role, session.csrf) == ("sam", "supervisor", csrf)
    with store.engine.begin() as conn:
        dump = repr(conn.execute(sa.text("select * from agent_sessions")).all())
    assert token not in dump
    assert store.session(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert store.session(None) is None and store.session("") is None


def test_sessions_expire_after_a_shift_and_are_purged(store, clock):
    store.add("ana", PASSWORD)
    token, _ = store.create_session("ana")
    clock.now += SESSION_SECONDS - 1
    assert store.session(token)
    clock.now += 2
    assert store.session(token) is None
    assert store.session_count("ana") == 0
    with store.engine.begin() as conn:
        assert conn.execute(sa.text("select count(*) from agent_sessions")).scalar() == 0


def test_ending_a_session_makes_its_id_worthless(store):
    store.add("ana", PASSWORD)
    token, _ = store.create_session("ana")
    other, _ = store.create_session("ana")
    store.end_session(token)
    assert store.session(token) is None
    assert store.session(other)  # only that one session ends


def test_disabling_or_resetting_an_account_ends_its_sessions(store):
    store.add("ana", PASSWORD)
    store.add("bob", PASSWORD)
    token, _ = store.create_session("ana")
    bobs, _ = store.create_session("bob")
    store.set_disabled("ana", True)
    assert store.session(token) is None
    store.set_disabled("ana", False)
    assert store.session(token) is None  # enabling again does not bring the session back
    token, _ = store.create_session("ana")
    store.reset("ana", "another-long-password")
    assert store.session(token) is None
    assert store.session(bobs)


def test_bootstrap_makes_a_supervisor_only_when_there_is_no_account(store):
    assert store.bootstrap("boss", PASSWORD)
    assert store.get("boss").role == "supervisor"
    assert not store.bootstrap("other", PASSWORD)
    assert store.get("other") is None


def test_the_audit_log_records_events_but_no_address_or_text(store, clock):
    store.add("ana", PASSWORD, actor="ops")
    token, _ = store.create_session("ana")
    assert store.first_call(token, "PBX-1") and not store.first_call(token, "PBX-1")
    store.audit("ana", "call", "PBX-1")
    clock.now += 10
    store.set_disabled("ana", True, actor="ops")
    rows = store.audit_rows()
    assert [(r.username, r.event) for r in rows] == [("ana", "added"), ("ana", "call"), ("ana", "disabled")]
    assert rows[1].detail == "PBX-1" and "ops" in rows[0].detail
    assert [r.event for r in store.audit_rows(since=clock.now)] == ["disabled"]
    with pytest.raises(AssertionError):
        store.audit("ana", "anything else")


def test_failures_keep_only_keyed_hashes(store):
    store.record_failure("ana", "203.0.113.9")
    counts = store.failure_counts("ana", "203.0.113.9")
    assert len(counts.pair_times) == 1 and len(counts.address_times) == 1 and counts.account_recent == 1
    with store.engine.begin() as conn:
        dump = repr(conn.execute(sa.text("select * from agent_failures")).all())
    assert "203.0.113.9" not in dump and "'ana'" not in dump
    store.clear_failures("ana", "203.0.113.9")
    assert store.failure_counts("ana", "203.0.113.9").pair_times == []


def test_two_stores_on_one_database_share_everything(tmp_path):
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    first, second = AgentStore(url), AgentStore(url)
    first.add("ana", PASSWORD)
    token, _ = first.create_session("ana")
    first.record_failure("ana", "198.51.100.1")
    assert second.session(token).username == "ana"  # another replica sees the session
    assert second.failure_counts("ana", "198.51.100.1").account_recent == 1  # same hashing key
    second.end_session(token)
    assert first.session(token) is None
