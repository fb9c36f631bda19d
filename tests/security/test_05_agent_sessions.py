"""Finding 5: agent sessions survived logout (the old cookie still answered for 8
hours); five wrong passwords locked the right password out too, and behind nginx
every client shared one address, so anyone could lock every agent out; one
shared `agent` account meant nobody knew which agent handled which call.

Now (accounts/, channels/agent.py, docs/web-and-agent.md): individual accounts
with argon2 hashes, server-side sessions that logout and disabling end, failed
sign-ins slowed per account and refused per (account, address) and per address,
the address taken from X-Forwarded-For only from a trusted proxy, and an audit
log of sign-ins and calls without message text. Unit tests of each rule are in
tests/accounts/ and tests/channels/test_agent.py; these try them on a running server.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.security.conftest import AGENT_PASSWORD, AGENT_USER, Agent, call

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.live


def agents_command(server, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    """scripts/agents.py against the running server's own .env (its AGENT_DB)."""
    env_file = Path(server["db"]).parent / ".env"
    # the command lets the shell win over the file (as serve.py): leave out what the file sets
    written = {line.split("=", 1)[0] for line in env_file.read_text().splitlines() if "=" in line}
    env = {k: v for k, v in os.environ.items() if k not in written}
    return subprocess.run(
        [sys.executable, "-m", "scripts.agents", "--env-file", str(env_file), *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_an_old_cookie_is_refused_after_logout(server):
    agent = Agent(server)
    assert agent.csrf and agent.say("call-5001", "my lawyer needs my records")[0] == 200
    cookie = agent.cookie()
    assert agent.logout() == 200
    replayed = {"Cookie": cookie, "Content-Type": "application/json", "X-CSRF-Token": agent.csrf}
    assert call(f"{server['base']}/agent/session", headers={"Cookie": cookie})[0] == 401
    body = b'{"call_id": "call-5001", "message": "and the fax?"}'
    assert call(f"{server['base']}/agent/message", body, replayed)[0] == 401


def test_wrong_passwords_from_one_address_do_not_lock_the_agent_out_elsewhere(server):
    attacker = "203.0.113.7"
    statuses = [Agent(server, password="wrong-password-123", client=attacker).status for _ in range(7)]
    assert statuses[:5] == [401] * 5 and statuses[-1] == 429  # that address is refused for this account
    assert Agent(server, client=attacker).status == 429  # even with the right password, from there
    agent = Agent(server, client="198.51.100.20")  # the agent, from their own desk
    assert agent.csrf, "the right password was locked out from another address"


def test_each_agent_has_an_account_and_disabling_ends_their_session(server):
    name = "ana-" + uuid.uuid4().hex[:6]
    password = "ana-password-" + uuid.uuid4().hex[:8]
    added = agents_command(server, "add", name, "--password-stdin", stdin=password + "\n")
    assert added.returncode == 0, added.stderr
    listed = agents_command(server, "list").stdout
    assert name in listed and "argon2" not in listed and password not in listed
    ana = Agent(server, name, password, client="198.51.100.30")
    assert ana.csrf and ana.say("call-5003", "fmla paperwork for my surgery")[0] == 200
    assert agents_command(server, "disable", name).returncode == 0
    assert ana.say("call-5003", "and the fax number?")[0] == 401  # her session ended at once
    assert Agent(server, name, password, client="198.51.100.30").csrf is None
    audit = agents_command(server, "audit").stdout
    assert name in audit and "call-5003" in audit and "fmla" not in audit.lower()
    assert "198.51.100.30" not in audit


def test_the_shared_first_account_still_signs_in(server):
    assert Agent(server, AGENT_USER, AGENT_PASSWORD, client="198.51.100.40").csrf
