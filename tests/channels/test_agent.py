"""The agent console's sign-in, server-side sessions, throttling, roles and audit
(the channel's handlers called directly, an accounts store in a temporary folder)."""

from __future__ import annotations

import asyncio
import json as jsonlib
from pathlib import Path

import pytest
from argon2 import PasswordHasher

import channels.agent as agent_module
from accounts import passwords, throttle
from accounts.passwords import EXAMPLE_PASSWORD
from accounts.store import AgentStore
from channels.agent import COOKIE, AgentConsoleInput, Settings

PASSWORD = "a-long-password-1"
DESK, ATTACKER = "198.51.100.7", "203.0.113.66"


class FakeRequest:
    """What the handlers read from a Sanic request."""

    def __init__(self, method="GET", path="/agent/", cookie=None, headers=None, ip=DESK, form=None, body=None):
        self.method, self.path = method, path
        self.cookies = {COOKIE: cookie} if cookie else {}
        self.headers = {k.lower(): v for k, v in (headers or {}).items()}
        self.ip, self.remote_addr = ip, ""
        self.form, self.json = form or {}, body


class Console:
    """The channel's routes as plain async functions, plus its store."""

    def __init__(self, tmp_path: Path, environ=None, on_new_message=None) -> None:
        self.store = AgentStore(f"sqlite:///{tmp_path / 'agents.db'}")
        self.channel = AgentConsoleInput(Settings(environ or {}), self.store)
        self.said: list = []

        async def remember(message):
            self.said.append(message.text)
            await message.output_channel.send_text_message(message.sender_id, "Ask the caller what they need.")

        bp = self.channel.blueprint(on_new_message or remember)
        self.routes = {(next(iter(r.methods)), r.uri): r.handler for r in bp._future_routes}

    def call(self, method, uri, **request):
        return asyncio.run(self.routes[(method, uri)](FakeRequest(method=method, path=f"/agent{uri}", **request)))

    def login(self, username, password, ip=DESK, **request):
        return self.call("POST", "/login", form={"username": username, "password": password}, ip=ip, **request)


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch):
    """argon2 with tiny costs: these tests are about the sign-in rules, and make many tries."""
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", cheap)
    monkeypatch.setattr(passwords, "_DUMMY_HASH", cheap.hash("dummy"))


@pytest.fixture(autouse=True)
def no_pauses(monkeypatch):
    pauses = []

    async def pause(seconds):
        pauses.append(seconds)

    monkeypatch.setattr(agent_module, "_pause", pause)
    return pauses


@pytest.fixture
def console(tmp_path):
    made = Console(tmp_path)
    made.store.add("ana", PASSWORD)
    made.store.add("sam", PASSWORD, role="supervisor")
    yield made
    made.store.dispose()


def cookie_of(resp):
    return resp.cookies[COOKIE].value


def test_sign_in_sets_a_random_session_id_not_a_signed_payload(console):
    resp = console.login("ana", PASSWORD)
    assert resp.status == 303 and resp.headers["location"] == "/agent/"
    token = cookie_of(resp)
    assert len(token) >= 43 and "." not in token and "ana" not in token
    flags = resp.cookies[COOKIE]
    assert flags["httponly"] and flags["samesite"] == "Strict" and flags["path"] == "/agent"
    session = console.call("GET", "/session", cookie=token)
    body = jsonlib.loads(session.body)
    assert session.status == 200 and body["user"] == "ana" and body["role"] == "agent" and len(body["csrf"]) >= 24


def test_wrong_passwords_and_disabled_accounts_are_refused(console):
    assert console.login("ana", "wrong-password-here").status == 401
    assert console.login("nobody", PASSWORD).status == 401
    console.store.set_disabled("ana", True)
    assert console.login("ana", PASSWORD).status == 401


def test_sign_out_ends_the_session_for_good(console):
    token = cookie_of(console.login("ana", PASSWORD))
    csrf = jsonlib.loads(console.call("GET", "/session", cookie=token).body)["csrf"]
    assert console.call("POST", "/logout", cookie=token).status == 401  # no CSRF token: refused
    assert console.call("POST", "/logout", cookie=token, headers={"X-CSRF-Token": csrf}).status == 200
    # the old cookie, replayed, no longer works anywhere
    assert console.call("GET", "/session", cookie=token).status == 401
    message = {"call_id": "call-1", "message": "hello"}
    replay = console.call("POST", "/message", cookie=token, headers={"X-CSRF-Token": csrf}, body=message)
    assert replay.status == 401
    assert b'name="password"' in console.call("GET", "/", cookie=token).body
    assert [r.event for r in console.store.audit_rows()][-2:] == ["sign_in", "sign_out"]


def test_disabling_an_account_ends_its_open_sessions(console):
    token = cookie_of(console.login("ana", PASSWORD))
    console.store.set_disabled("ana", True)
    assert console.call("GET", "/session", cookie=token).status == 401


def test_messages_need_the_csrf_token_and_record_each_call_once_without_text(console):
    token = cookie_of(console.login("ana", PASSWORD))
    csrf = jsonlib.loads(console.call("GET", "/session", cookie=token).body)["csrf"]
    body = {"call_id": "PBX-0042", "message": "my lawyer needs my records"}
    assert console.call("POST", "/message", cookie=token, body=body).status == 403
    assert console.call("POST", "/message", cookie=token, headers={"X-CSRF-Token": "forged"}, body=body).status == 403
    for text in ("my lawyer needs my records", "dental x-rays"):
        resp = console.call(
            "POST", "/message", cookie=token, headers={"X-CSRF-Token": csrf}, body={**body, "message": text}
        )
        assert resp.status == 200
    assert console.said == ["my lawyer needs my records", "dental x-rays"]
    calls = [r for r in console.store.audit_rows() if r.event == "call"]
    assert [(r.username, r.detail) for r in calls] == [("ana", "PBX-0042")]  # once per call id, not per message
    everything = repr(console.store.audit_rows())
    assert "lawyer" not in everything and "x-rays" not in everything and DESK not in everything


def test_audit_of_sign_ins(console):
    console.login("ana", "wrong-password-here")
    console.login("nobody-here", "wrong-password-here")
    console.login("ana", PASSWORD)
    rows = [(r.username, r.event) for r in console.store.audit_rows() if r.event.startswith("sign_in")]
    assert rows == [("ana", "sign_in_failed"), ("(unknown)", "sign_in_failed"), ("ana", "sign_in")]


def test_a_guessing_pair_is_refused_but_the_agent_still_signs_in_from_elsewhere(console):
    for _ in range(throttle.PAIR_LIMIT):
        assert console.login("ana", "wrong-password-here", ip=ATTACKER).status == 401
    refused = console.login("ana", PASSWORD, ip=ATTACKER)  # even the right password: the pair waits
    assert refused.status == 429 and 0 < int(refused.headers["Retry-After"]) <= throttle.PAIR_FIRST_DELAY + 1
    assert console.login("ana", PASSWORD, ip=DESK).status == 303  # the agent at their desk is not locked out
    assert console.login("sam", PASSWORD, ip=ATTACKER).status == 303  # nor another account from that address


def test_the_pair_delay_grows_and_a_good_sign_in_clears_it(console, monkeypatch):
    now = [1_800_000_000.0]
    monkeypatch.setattr(console.store, "clock", lambda: now[0])
    for _ in range(throttle.PAIR_LIMIT):
        console.login("ana", "wrong-password-here", ip=ATTACKER)
    now[0] += throttle.PAIR_FIRST_DELAY + 1
    assert console.login("ana", "wrong-password-here", ip=ATTACKER).status == 401
    second = console.login("ana", PASSWORD, ip=ATTACKER)
    assert second.status == 429 and int(second.headers["Retry-After"]) > throttle.PAIR_FIRST_DELAY
    now[0] += 2 * throttle.PAIR_FIRST_DELAY + 1
    assert console.login("ana", PASSWORD, ip=ATTACKER).status == 303
    assert console.store.failure_counts("ana", ATTACKER).pair_times == []


def test_an_address_guessing_across_accounts_is_capped(console):
    for number in range(throttle.ADDRESS_LIMIT):
        assert console.login(f"user{number}", "wrong-password-here", ip=ATTACKER).status == 401
    assert console.login("ana", PASSWORD, ip=ATTACKER).status == 429
    assert console.login("ana", PASSWORD, ip=DESK).status == 303


def test_an_account_alone_is_only_slowed_never_refused(console, no_pauses):
    addresses = [f"192.0.2.{n}" for n in range(1, 13)]
    for address in addresses:
        assert console.login("ana", "wrong-password-here", ip=address).status == 401
    assert console.login("ana", PASSWORD, ip="192.0.2.200").status == 303
    assert no_pauses[0] == 0 and max(no_pauses) == throttle.ACCOUNT_MAX_DELAY
    assert no_pauses == sorted(no_pauses)


def test_x_forwarded_for_counts_only_from_a_trusted_proxy(tmp_path):
    header = {"X-Forwarded-For": f"{ATTACKER}, 10.0.0.5"}
    plain = Console(tmp_path / "a").channel
    assert plain.client(FakeRequest(ip="10.0.0.9", headers=header)) == "10.0.0.9"
    behind_nginx = Console(tmp_path / "b", {"TRUSTED_PROXIES": "10.0.0.9, 10.0.0.0/29"}).channel
    assert behind_nginx.client(FakeRequest(ip="10.0.0.9", headers=header)) == ATTACKER
    assert behind_nginx.client(FakeRequest(ip=DESK, headers=header)) == DESK  # a stranger cannot pick an address


def test_forged_forwarded_addresses_do_not_escape_the_pair_limit(tmp_path):
    console = Console(tmp_path, {"TRUSTED_PROXIES": "127.0.0.1"})
    console.store.add("ana", PASSWORD)
    for n in range(throttle.PAIR_LIMIT):  # a new forged address each time, straight to the server
        forged = {"X-Forwarded-For": f"192.0.2.{n}"}
        assert console.login("ana", "wrong-password-here", ip=ATTACKER, headers=forged).status == 401
    assert console.login("ana", PASSWORD, ip=ATTACKER, headers={"X-Forwarded-For": "192.0.2.99"}).status == 429


def test_require_role(console):
    agent = cookie_of(console.login("ana", PASSWORD))
    supervisor = cookie_of(console.login("sam", PASSWORD))
    assert console.channel.require_role(FakeRequest(cookie=supervisor), "supervisor") is None
    assert console.channel.require_role(FakeRequest(cookie=agent), "supervisor").status == 403
    assert console.channel.require_role(FakeRequest(), "supervisor").status == 401


def test_sign_in_checks_the_origin(console):
    other = console.login("ana", PASSWORD, headers={"Origin": "https://evil.example", "Host": "localhost:5005"})
    assert other.status == 403


def test_the_first_account_comes_from_the_environment(tmp_path):
    console = Console(tmp_path, {"AGENT_USERNAME": "boss", "AGENT_PASSWORD": PASSWORD})
    assert console.login("boss", PASSWORD).status == 303
    assert console.store.get("boss").role == "supervisor"
    assert console.store.get("boss").password_hash != PASSWORD


@pytest.mark.parametrize("password", [EXAMPLE_PASSWORD, "short-pass"])
def test_production_refuses_the_example_or_a_short_password(tmp_path, password):
    environ = {"AGENT_USERNAME": "agent", "AGENT_PASSWORD": password, "ENV": "production"}
    console = Console(tmp_path, environ)
    page = console.call("GET", "/")
    assert b'class="notice"' in page.body and b"ENV=production" in page.body
    assert console.login("agent", password).status == 503
    assert console.store.count() == 0


def test_development_accepts_the_example_password(tmp_path):
    console = Console(tmp_path, {"AGENT_USERNAME": "agent", "AGENT_PASSWORD": EXAMPLE_PASSWORD})
    assert console.login("agent", EXAMPLE_PASSWORD).status == 303


def test_no_account_and_no_environment_means_no_sign_in(tmp_path):
    console = Console(tmp_path)
    assert b"no agent account" in console.call("GET", "/").body
    assert console.login("", "").status == 503


def test_env_example_holds_no_agent_password():
    example = (Path(__file__).resolve().parent.parent.parent / ".env.example").read_text()
    assert "AGENT_PASSWORD=\n" in example and EXAMPLE_PASSWORD not in example


def test_throttle_rules():
    assert throttle.pair_delay(4) == 0
    assert [throttle.pair_delay(n) for n in (5, 6, 7)] == [30, 60, 120]
    assert throttle.pair_delay(50) == throttle.PAIR_MAX_DELAY
    assert throttle.account_delay(0) == 0 and throttle.account_delay(1000) == throttle.ACCOUNT_MAX_DELAY
    counts = throttle.Counts(pair_times=[100.0] * 5, address_times=[], account_recent=5)
    assert throttle.retry_after(counts, now=100.0) == 31 and throttle.retry_after(counts, now=131.0) is None
    proxies = throttle.trusted_proxies({"TRUSTED_PROXIES": "10.0.0.1 , 10.1.0.0/16"})
    assert throttle.client_address("10.0.0.1", "1.2.3.4, 10.1.2.3", proxies) == "1.2.3.4"
    assert throttle.client_address("10.0.0.1", "garbage", proxies) == "10.0.0.1"
    assert throttle.client_address("8.8.8.8", "1.2.3.4", proxies) == "8.8.8.8"
    assert throttle.trusted_proxies({}) == []


def test_the_first_account_is_made_at_start_and_a_refusal_is_logged(tmp_path, caplog):
    environ = {"AGENT_USERNAME": "boss", "AGENT_PASSWORD": PASSWORD}
    console = Console(tmp_path / "a", environ)
    assert console.store.get("boss") is not None  # before any request
    with caplog.at_level("WARNING", logger="channels.agent"):
        Console(tmp_path / "b", {**environ, "AGENT_PASSWORD": "tiny-pw", "ENV": "production"})
    assert "Sign-in is off" in caplog.text and "tiny-pw" not in caplog.text


def test_a_database_down_at_start_does_not_stop_the_server(tmp_path, caplog):
    class Down(AgentStore):
        def count(self):
            raise agent_module.SQLAlchemyError("down")

    store = Down(f"sqlite:///{tmp_path / 'agents.db'}")
    with caplog.at_level("ERROR", logger="channels.agent"):
        channel = AgentConsoleInput(Settings({"AGENT_USERNAME": "boss", "AGENT_PASSWORD": PASSWORD}), store)
    assert "not available" in caplog.text and not channel._bootstrapped
