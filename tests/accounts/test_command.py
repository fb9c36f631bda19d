"""python -m scripts.agents: add, reset, disable, enable, list and audit (a temporary .env and database)."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from accounts import passwords
from accounts.store import AgentStore
from scripts import agents

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a-long-password-1"


@pytest.fixture
def env_file(tmp_path, monkeypatch):
    monkeypatch.delenv("AGENT_DB", raising=False)
    monkeypatch.delenv("TRACKER_STORE", raising=False)
    path = tmp_path / ".env"
    path.write_text(f"TRACKER_STORE=sqlite\nAGENT_DB={tmp_path / 'agents.db'}\n")
    return path


def command(env_file, *argv, stdin=""):
    out = io.StringIO()
    code = agents.main(["--env-file", str(env_file), *argv], stdin=io.StringIO(stdin), out=out)
    return code, out.getvalue()


def store_of(env_file) -> AgentStore:
    return AgentStore(f"sqlite:///{env_file.parent / 'agents.db'}")


def test_add_with_password_stdin_stores_a_hash(env_file):
    code, out = command(env_file, "add", "ana", "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 0 and "added" in out and PASSWORD not in out
    account = store_of(env_file).get("ana")
    assert account.role == "agent" and account.password_hash.startswith("$argon2id$")
    code, _ = command(env_file, "add", "sam", "--role", "supervisor", "--password-stdin", stdin=PASSWORD)
    assert code == 0 and store_of(env_file).get("sam").role == "supervisor"


def test_without_a_terminal_or_stdin_a_password_is_made_and_shown_once(env_file):
    code, out = command(env_file, "add", "ana")
    assert code == 0
    shown = out.split("once, give it to them in person): ", 1)[1].split()[0]
    assert len(shown) >= 20
    assert passwords.verify(store_of(env_file).get("ana").password_hash, shown)


def test_short_passwords_and_twice_the_same_name_are_refused(env_file, capsys):
    assert command(env_file, "add", "ana", "--password-stdin", stdin="too-short")[0] == 2
    assert "at least 12" in capsys.readouterr().err
    assert command(env_file, "add", "ana", "--password-stdin", stdin=PASSWORD)[0] == 0
    assert command(env_file, "add", "ana", "--password-stdin", stdin=PASSWORD)[0] == 2


def test_list_prints_no_hash(env_file):
    command(env_file, "add", "ana", "--password-stdin", stdin=PASSWORD)
    code, out = command(env_file, "list")
    assert code == 0 and "ana" in out and "agent" in out and "enabled" in out
    assert "argon2" not in out and "$" not in out and PASSWORD not in out


def test_disable_ends_sessions_enable_and_reset(env_file):
    command(env_file, "add", "ana", "--password-stdin", stdin=PASSWORD)
    store = store_of(env_file)
    token, _ = store.create_session("ana")
    code, out = command(env_file, "disable", "ana")
    assert code == 0 and store.get("ana").disabled and store.session(token) is None
    assert "disabled" in command(env_file, "list")[1]
    assert command(env_file, "enable", "ana")[0] == 0 and not store.get("ana").disabled
    token, _ = store.create_session("ana")
    assert command(env_file, "reset", "ana", "--password-stdin", stdin="another-long-password")[0] == 0
    assert store.session(token) is None
    assert command(env_file, "disable", "nobody")[0] == 2


def test_audit_prints_the_log_and_filters_by_date(env_file):
    command(env_file, "add", "ana", "--password-stdin", stdin=PASSWORD)
    command(env_file, "disable", "ana")
    code, out = command(env_file, "audit")
    assert code == 0 and "added" in out and "disabled" in out and "scripts.agents" in out
    assert "added" not in command(env_file, "audit", "--since", "2999-01-01")[1]
    assert command(env_file, "audit", "--since", "yesterday")[0] == 2


def test_it_runs_as_a_module(env_file):
    result = subprocess.run(
        [sys.executable, "-m", "scripts.agents", "--env-file", str(env_file), "add", "ana", "--password-stdin"],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert store_of(env_file).get("ana") is not None
