"""Retention (privacy/retention.py, scripts/retention.py) on a real Rasa SQL tracker store (SQLite)."""

from __future__ import annotations

import asyncio
import sqlite3
import time

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from privacy.retention import database_url, delete_older_than
from scripts import retention
from storage.tracker_store import MaskingSQLTrackerStore

DAY = 86400


def store_conversation(store, sender, *ages_in_days, now):
    tracker = DialogueStateTracker(sender, slots=[])
    for age in ages_in_days:
        tracker.update(UserUttered("I need my records", timestamp=now - age * DAY))
        tracker.update(ActionExecuted("action_listen", timestamp=now - age * DAY + 1))
    asyncio.run(store.save(tracker))


def senders(db):
    with sqlite3.connect(db) as connection:
        return {row[0] for row in connection.execute("select distinct sender_id from events")}


def make_store(db):
    return MaskingSQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(db))


def test_only_conversations_idle_longer_than_the_limit_are_deleted(tmp_path):
    db = tmp_path / "tracker.db"
    now = time.time()
    store = make_store(db)
    store_conversation(store, "old", 40, 35, now=now)
    store_conversation(store, "recent", 2, now=now)
    store_conversation(store, "old-but-active", 60, 1, now=now)  # started long ago, still going on
    assert delete_older_than(f"sqlite:///{db}", 30, now=now) == 1
    assert senders(db) == {"recent", "old-but-active"}
    assert delete_older_than(f"sqlite:///{db}", 30, now=now) == 0


@pytest.fixture()
def clean_env(monkeypatch):
    # `make test` exports .env; the command lets the shell win over the file (like serve.py)
    for name in ("TRACKER_DB", "TRACKER_STORE", "RETENTION_DAYS", "AGENT_DB"):
        monkeypatch.delenv(name, raising=False)


def test_the_command_reads_retention_days_from_env(tmp_path, capsys, clean_env):
    db = tmp_path / "tracker.db"
    now = time.time()
    store = make_store(db)
    store_conversation(store, "a", 10, now=now)
    store_conversation(store, "b", 3, now=now)
    env_file = tmp_path / ".env"
    env_file.write_text(f"TRACKER_DB={db}\nAGENT_DB={tmp_path / 'agents.db'}\nRETENTION_DAYS=7\n")
    assert retention.main(["--env-file", str(env_file)]) == 0
    assert senders(db) == {"b"}
    assert "Deleted 1 conversation" in capsys.readouterr().out
    assert retention.main(["--env-file", str(env_file), "--days", "1"]) == 0
    assert senders(db) == set()


def test_no_retention_period_is_an_error(tmp_path, clean_env):
    env_file = tmp_path / ".env"
    env_file.write_text(f"TRACKER_DB={tmp_path / 'x.db'}\n")
    assert retention.main(["--env-file", str(env_file)]) == 2


def test_database_url_follows_env_settings():
    assert database_url({"TRACKER_DB": "var/t.db"}) == "sqlite:///var/t.db"
    url = database_url(
        {
            "TRACKER_STORE": "postgres",
            "POSTGRES_HOST": "db",
            "POSTGRES_USER": "rasa",
            "POSTGRES_PASSWORD": "pw",
            "POSTGRES_DB": "conv",
        }
    )
    assert url == "postgresql://rasa:pw@db:5432/conv"


def test_the_store_masks_user_text_from_any_channel(tmp_path):
    db = tmp_path / "tracker.db"
    store = make_store(db)
    tracker = DialogueStateTracker("s", slots=[])
    tracker.update(
        UserUttered(
            "my ssn is 123-45-6789, mail me at a.b@example.com",
            parse_data={"text": "my ssn is 123-45-6789, mail me at a.b@example.com"},
        )
    )
    asyncio.run(store.save(tracker))
    raw = sqlite3.connect(db).execute("select group_concat(data) from events").fetchone()[0]
    assert "123-45-6789" not in raw and "a.b@example.com" not in raw
    assert "[ssn]" in raw and "[email]" in raw


def test_call_notes_go_with_the_retention_period(tmp_path, capsys, clean_env):
    from accounts.store import AgentStore

    agents = tmp_path / "agents.db"
    now = [time.time() - 10 * 86400]
    store = AgentStore(f"sqlite:///{agents}", clock=lambda: now[0])
    store.save_call_notes("call-old", "ana", "resolved", "sent the form")
    now[0] = time.time() - 3 * 86400
    store.save_call_notes("call-new", "ana", "call_back", "call back Monday")
    env_file = tmp_path / ".env"
    env_file.write_text(f"TRACKER_DB={tmp_path / 'tracker.db'}\nAGENT_DB={agents}\nRETENTION_DAYS=7\n")
    make_store(tmp_path / "tracker.db")
    assert retention.main(["--env-file", str(env_file)]) == 0
    fresh = AgentStore(f"sqlite:///{agents}")
    assert fresh.call_notes("call-old") is None and fresh.call_notes("call-new") is not None
    assert "notes of 1 call" in capsys.readouterr().out
