"""A text handed to a person, end to end (docs/handoff.md): both servers started the
way `make run` does, texts signed with twilio's RequestValidator, the agent's replies
sent with the twilio library to a local stand-in of Twilio's Messages API on
loopback (TWILIO_API_BASE_URL), the agent signed in to the console over HTTP.

Also: outside the staffed hours, asking for a person gets the phone numbers and
the hours, and nothing is queued.
"""

from __future__ import annotations

import http.cookiejar
import json
import sqlite3
import urllib.error
import urllib.parse
import urllib.request
import uuid
import xml.etree.ElementTree as ET

import pytest
from twilio.request_validator import RequestValidator

from channels.sms_config import conversation_id
from tests.servers.live import MODEL
from tests.servers.serving import serving
from tests.servers.twilio_standin import TwilioStandIn

API_TOKEN = "handoff-sms-api-token"
TWILIO_SID = "AC" + "0123456789abcdef" * 2
TWILIO_TOKEN = "handoff-sms-twilio-token-not-live"
SENDER_KEY = "handoff-sms-sender-key-0123456789"
PUBLIC_URL = "https://sms.example.org/webhooks/sms/webhook"
OUR_NUMBER = "+15005550006"
TEXTER = "+15035550123"
AGENT, PASSWORD = "sms-agent", "sms-agent-password-123"

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(not MODEL.exists(), reason="no trained model: run `make test`, which trains it"),
]


def settings(standin: TwilioStandIn, staffed: str) -> dict:
    return {
        "RASA_AUTH_TOKEN": API_TOKEN,
        "SMS_PUBLIC_URL": PUBLIC_URL,
        "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "SMS_SENDER_KEY": SENDER_KEY,
        "SMS_VERIFY_SIGNATURE": "true",
        "TWILIO_ACCOUNT_SID": TWILIO_SID,
        "TWILIO_API_BASE_URL": standin.base_url,
        "SMS_FROM_NUMBER": OUR_NUMBER,
        "HANDOFF_PHONE_KEY": "handoff-sms-tests-phone-key-not-live-0123456789",
        "HANDOFF_STAFFED": staffed,
        "AGENT_USERNAME": AGENT,
        "AGENT_PASSWORD": PASSWORD,
        "LOG_LEVEL": "DEBUG",
    }


@pytest.fixture(scope="module")
def standin():
    running = TwilioStandIn(TWILIO_SID, TWILIO_TOKEN)
    yield running
    running.close()


def text(base: str, body: str, number: str = TEXTER) -> list:
    """One signed text to the webhook; the SMS texts of the TwiML answer."""
    params = {"From": number, "To": OUR_NUMBER, "Body": body, "MessageSid": "SM" + uuid.uuid4().hex}
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(PUBLIC_URL, params)
    request = urllib.request.Request(
        f"{base}/webhooks/sms/webhook",
        urllib.parse.urlencode(params).encode(),
        {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature},
    )
    with urllib.request.urlopen(request, timeout=90) as response:
        assert response.status == 200
        return [m.text or "" for m in ET.fromstring(response.read())]


class Console:
    """An agent signed in to the console over HTTP (cookie and CSRF token, as the page does)."""

    def __init__(self, base: str, username: str = AGENT, password: str = PASSWORD) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        form = urllib.parse.urlencode({"username": username, "password": password}).encode()
        self.opener.open(urllib.request.Request(f"{base}/agent/login", form, {"Origin": base}), timeout=30)
        self.csrf = self.get("/agent/session")["csrf"]

    def get(self, path: str):
        with self.opener.open(f"{self.base}{path}", timeout=60) as response:
            return json.loads(response.read())

    def post(self, path: str, body: dict = None):
        request = urllib.request.Request(
            f"{self.base}{path}",
            json.dumps(body or {}).encode(),
            {"Content-Type": "application/json", "X-CSRF-Token": self.csrf},
        )
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())


def tracker(base: str, sender: str) -> dict:
    with urllib.request.urlopen(f"{base}/conversations/{sender}/tracker?token={API_TOKEN}", timeout=60) as response:
        return json.loads(response.read())


def test_a_text_goes_to_a_person_and_back(tmp_path, standin):
    with serving(tmp_path, settings(standin, "open")) as running:
        base = running["base"]
        sender = conversation_id(TEXTER, SENDER_KEY)

        texts = text(base, "can I talk to a real person please")
        assert any("You're in line to chat with our records team" in t for t in texts), texts
        assert any("Reply LEAVE" in t for t in texts)

        agent = Console(base)
        queue = agent.get("/agent/handoffs")["queue"]
        assert [(q["channel"], q["state"]) for q in queue] == [("sms", "waiting")]
        handoff_id = queue[0]["id"]
        assert TEXTER not in json.dumps(queue) and "5550123" not in json.dumps(queue)  # never shown to a page

        status, taken = agent.post(f"/agent/handoffs/{handoff_id}/take")
        assert status == 200 and taken["agent"] == AGENT
        assert agent.post(f"/agent/handoffs/{handoff_id}/take")[0] == 409  # no second take
        sent = standin.wait_for(1)
        assert sent[-1] == {"To": TEXTER, "From": OUR_NUMBER, "Body": "A person from our records team joined the chat."}

        status, reply = agent.post(f"/agent/handoffs/{handoff_id}/reply", {"message": "Hello, how can I help you?"})
        assert status == 200 and reply["sent"] is True
        assert standin.wait_for(2)[-1]["Body"] == "Hello, how can I help you?"

        # the texter answers: stored for the agent (masked), and the assistant says nothing
        assert text(base, "my lawyer needs my records, my SSN is 123-45-6789") == []
        lines = agent.get(f"/agent/handoffs/{handoff_id}")["transcript"]
        assert lines[-1] == {**lines[-1], "from": "person", "text": "my lawyer needs my records, my SSN is [ssn]"}
        events = tracker(base, sender)["events"]
        after = events[[e["event"] for e in events].index("pause") :]
        assert not [e for e in after if e["event"] == "action" and e["name"] != "action_listen"]

        # the number is kept encrypted while open
        db = sqlite3.connect(tmp_path / "agents.db")
        try:
            sealed = db.execute("SELECT phone FROM handoff_requests WHERE id = ?", (handoff_id,)).fetchone()[0]
            assert sealed and "5550123" not in sealed
            status, _ = agent.post(f"/agent/handoffs/{handoff_id}/end")
            assert status == 200
            assert standin.wait_for(3)[-1]["Body"].startswith("The person left the chat.")
            row = db.execute("SELECT state, reason, phone FROM handoff_requests WHERE id = ?", (handoff_id,)).fetchone()
            assert row == ("ended", "agent_ended", None)  # the number is deleted when it ends
        finally:
            db.close()
        state = tracker(base, sender)
        assert state["paused"] is False and "resume" in [e["event"] for e in state["events"]]

        # the assistant answers again
        again = text(base, "I need my x-rays")
        assert again and again[0].startswith("Where to go: the Imaging department."), again
        assert standin.refused == 0 and len(standin.messages) == 3

        # never in a log: the number, the texts
        log = running["log"].read_text()
        for secret in ("5550123", "123-45-6789", "Hello, how can I help you?"):
            assert secret not in log


def test_leave_the_line_by_text_or_time_out(tmp_path, standin):
    quick = {**settings(standin, "open"), "HANDOFF_TIMEOUT_SECONDS": "10", "HANDOFF_SWEEP_SECONDS": "1"}
    with serving(tmp_path, quick) as running:
        base = running["base"]
        assert any("You're in line" in t for t in text(base, "I want to speak to a human", "+15035550124"))
        assert text(base, "leave", "+15035550124") == ["You left the line. Ask me about records or forms."]
        # STOP while waiting: the handoff ends (its number deleted) and the texts stop, as for any STOP
        assert any("You're in line" in t for t in text(base, "can I talk to a real person", "+15035550127"))
        assert text(base, "STOP", "+15035550127") == []
        assert text(base, "hello?", "+15035550127") == []
        # nobody takes the next one: the server itself sends the phone numbers and hours, by text
        before = len(standin.messages)
        assert any("You're in line" in t for t in text(base, "can I talk to a real person", "+15035550126"))
        sent = standin.wait_for(before + 1, timeout=40)[before:]
        assert [m["To"] for m in sent] == ["+15035550126"]
        assert "503-571-5051" in sent[0]["Body"] and "8 am to 4:30 pm" in sent[0]["Body"]
        db = sqlite3.connect(tmp_path / "agents.db")
        try:
            rows = db.execute("SELECT state, reason, phone FROM handoff_requests ORDER BY asked_at").fetchall()
            assert rows == [("ended", "person_left", None), ("ended", "stopped", None), ("ended", "timed_out", None)]
        finally:
            db.close()


def test_outside_hours_the_phone_numbers_and_hours(tmp_path, standin):
    """HANDOFF_STAFFED=closed stands for a night or a weekend (the hours themselves are unit-tested)."""
    with serving(tmp_path, settings(standin, "closed")) as running:
        texts = text(running["base"], "can I talk to a real person please", "+15035550125")
        joined = " ".join(texts)
        assert "503-571-5051" in joined and "800-813-2000" in joined
        assert "8 am to 4:30 pm, Monday to Friday" in joined
        assert "You're in line" not in joined
        db = sqlite3.connect(tmp_path / "agents.db")
        try:
            assert db.execute("SELECT count(*) FROM handoff_requests").fetchone() == (0,)
        finally:
            db.close()
