"""One assistant started as `make run` starts it (servers/serve.py, a temporary .env),
shared by the live security tests, and the calls an outsider can make to it."""

from __future__ import annotations

import http.cookiejar
import json
import secrets
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from typing import Dict, Optional, Tuple

import pytest
from twilio.request_validator import RequestValidator

from tests.servers.serving import serving

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "current.tar.gz"
API_TOKEN = secrets.token_hex(32)
REST_TOKEN = secrets.token_hex(32)
TWILIO_TOKEN = secrets.token_hex(16)
SENDER_KEY = secrets.token_hex(32)
PUBLIC_URL = "https://sms.example.org/webhooks/sms/webhook"
AGENT_USER, AGENT_PASSWORD = "sec-agent", secrets.token_hex(10)


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    if not MODEL.exists():
        pytest.skip("no trained model: run `make test`, which trains it")
    settings = {
        "RASA_AUTH_TOKEN": API_TOKEN,
        "REST_TOKEN": REST_TOKEN,
        "SMS_PUBLIC_URL": PUBLIC_URL,
        "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "SMS_SENDER_KEY": SENDER_KEY,
        "SMS_VERIFY_SIGNATURE": "true",
        "AGENT_USERNAME": AGENT_USER,
        "AGENT_PASSWORD": AGENT_PASSWORD,
        "LOG_ID_KEY": secrets.token_hex(32),
        "TRUSTED_PROXIES": "127.0.0.1",  # the tests stand in for nginx: X-Forwarded-For names the client
    }
    with serving(tmp_path_factory.mktemp("security"), settings, timeout=300) as running:
        yield running


def call(url: str, body: Optional[bytes] = None, headers: Optional[Dict[str, str]] = None, method: str = "") -> Tuple:
    request = urllib.request.Request(url, data=body, headers=headers or {}, method=method or None)
    try:
        with urllib.request.urlopen(request, timeout=90) as response:
            return response.status, response.read().decode("utf-8"), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8"), error.headers


def rest(server, sender, message, headers=None, **extra):
    """The REST webhook, with its token unless ``headers`` says otherwise."""
    body = json.dumps({"sender": sender, "message": message, **extra}).encode()
    sent = {"Content-Type": "application/json", "Authorization": f"Bearer {REST_TOKEN}", **(headers or {})}
    return call(f"{server['base']}/webhooks/rest/webhook", body, sent)


def web(server, sender, message):
    body = json.dumps({"sender": sender, "message": message}).encode()
    return call(f"{server['base']}/chat/webhook", body, {"Content-Type": "application/json"})


def sms_params(number: str, body: str, sid: Optional[str] = None) -> Dict[str, str]:
    return {
        "From": number,
        "To": "+15035550000",
        "Body": body,
        "MessageSid": sid or "SM" + uuid.uuid4().hex,
        "AccountSid": "AC" + "0" * 32,
        "NumMedia": "0",
    }


def sms(server, params: Dict[str, str], token: str = TWILIO_TOKEN):
    """A text signed as Twilio signs it (with ``token``)."""
    signature = RequestValidator(token).compute_signature(PUBLIC_URL, params)
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature}
    return call(f"{server['base']}/webhooks/sms/webhook", urllib.parse.urlencode(params).encode(), headers)


def tracker(server, sender) -> dict:
    quoted = urllib.parse.quote(sender, safe="")
    status, body, _ = call(f"{server['base']}/conversations/{quoted}/tracker?token={API_TOKEN}")
    assert status == 200, body
    return json.loads(body)


class Agent:
    """A signed-in agent console session (cookie jar, CSRF token), without a browser."""

    def __init__(self, server, user: str = AGENT_USER, password: str = AGENT_PASSWORD, client: str = "") -> None:
        self.base = server["base"]
        self.client = {"X-Forwarded-For": client} if client else {}
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        host = urllib.parse.urlparse(self.base).netloc
        form = urllib.parse.urlencode({"username": user, "password": password}).encode()
        self.status = self.open("/agent/login", form, {"Origin": f"http://{host}"})[0]
        session = self.open("/agent/session")
        self.csrf = json.loads(session[1]).get("csrf") if session[0] == 200 else None

    def open(self, path: str, body: Optional[bytes] = None, headers: Optional[Dict[str, str]] = None) -> Tuple:
        request = urllib.request.Request(f"{self.base}{path}", data=body, headers={**self.client, **(headers or {})})
        try:
            with self.opener.open(request, timeout=90) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8")

    def cookie(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)

    def logout(self) -> int:
        return self.open("/agent/logout", b"{}", {"Content-Type": "application/json", "X-CSRF-Token": self.csrf or ""})[
            0
        ]

    def say(self, call_id: str, message: str) -> Tuple:
        body = json.dumps({"call_id": call_id, "message": message}).encode()
        return self.open("/agent/message", body, {"Content-Type": "application/json", "X-CSRF-Token": self.csrf or ""})
