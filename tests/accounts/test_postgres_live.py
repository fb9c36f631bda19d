"""The accounts store on a real PostgreSQL (Debian's, started here), as several Rasa
servers use it with TRACKER_STORE=postgres: two stores (two "replicas") see the same
accounts, sessions and failure counts, and a sign-out on one ends the session on both."""

from __future__ import annotations

import pytest

from accounts.store import AgentStore

pytestmark = pytest.mark.live  # a real PostgreSQL

PASSWORD = "a-long-password-1"


def test_two_replicas_share_accounts_sessions_and_failures(postgres_env):
    first, second = AgentStore.from_env(postgres_env), AgentStore.from_env(postgres_env)
    assert first.url.startswith("postgresql://")
    try:
        assert first.bootstrap("boss", PASSWORD) and not second.bootstrap("boss", PASSWORD)
        second.add("ana", PASSWORD)
        token, csrf = first.create_session("ana")
        assert second.session(token).csrf == csrf
        first.record_failure("ana", "203.0.113.5")
        assert len(second.failure_counts("ana", "203.0.113.5").pair_times) == 1
        assert second.first_call(token, "PBX-1") and not first.first_call(token, "PBX-1")
        second.end_session(token)
        assert first.session(token) is None
        second.set_disabled("boss", True)
        assert first.get("boss").disabled
        assert [r.event for r in first.audit_rows()] == ["added", "added", "disabled"]
    finally:
        first.dispose()
        second.dispose()
