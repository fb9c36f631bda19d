"""The agent console's sign-in rules and signed sessions (no server needed)."""

from __future__ import annotations

import time

from channels.agent import EXAMPLE_PASSWORD, SESSION_SECONDS, Sessions, Settings


def test_a_session_reads_back_and_carries_a_csrf_token():
    sessions = Sessions(b"secret")
    payload = sessions.read(sessions.issue("ana"))
    assert payload["u"] == "ana" and len(payload["csrf"]) >= 24


def test_tampered_or_foreign_sessions_are_refused():
    sessions = Sessions(b"secret")
    token = sessions.issue("ana")
    data, signature = token.split(".")
    forged = Sessions(b"secret").issue("mallory").split(".")[0]
    assert sessions.read(f"{forged}.{signature}") is None
    assert Sessions(b"other secret").read(token) is None
    assert sessions.read(token[:-1] + ("0" if token[-1] != "0" else "1")) is None
    assert sessions.read(None) is None and sessions.read("garbage") is None


def test_sessions_expire_after_a_shift():
    sessions = Sessions(b"secret")
    issued = time.time()
    token = sessions.issue("ana", now=issued)
    assert sessions.read(token, now=issued + SESSION_SECONDS - 1)
    assert sessions.read(token, now=issued + SESSION_SECONDS + 1) is None


def test_credentials_come_from_the_environment():
    settings = Settings({"AGENT_USERNAME": "ana", "AGENT_PASSWORD": "s3cret-pass", "ENV": "development"})
    assert settings.problem is None
    assert settings.check("ana", "s3cret-pass")
    assert not settings.check("ana", "wrong")
    assert not settings.check("bob", "s3cret-pass")


def test_no_credentials_means_no_sign_in():
    settings = Settings({"ENV": "development"})
    assert settings.problem and not settings.check("", "")


def test_production_refuses_the_example_password():
    env = {"AGENT_USERNAME": "agent", "AGENT_PASSWORD": EXAMPLE_PASSWORD}
    assert Settings({**env, "ENV": "development"}).check("agent", EXAMPLE_PASSWORD)
    production = Settings({**env, "ENV": "production"})
    assert "production" in production.problem
    assert not production.check("agent", EXAMPLE_PASSWORD)
    assert Settings({**env, "AGENT_PASSWORD": "a-real-one", "ENV": "production"}).check("agent", "a-real-one")


def test_env_example_holds_no_agent_password():
    from pathlib import Path

    example = (Path(__file__).resolve().parent.parent.parent / ".env.example").read_text()
    assert "AGENT_PASSWORD=\n" in example and EXAMPLE_PASSWORD not in example
