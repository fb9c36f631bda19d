"""SMS end to end: both servers started the way `make run` does (servers/serve.py,
credentials.yml), texts signed by twilio's own RequestValidator, answers read as
TwiML, decisions read from the tracker API.

Uses its own ports, token, secrets and tracker database (a temporary .env).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from twilio.request_validator import RequestValidator

from channels.sms_config import conversation_id
from channels.sms_text import HARD_LIMIT, MAX_MESSAGES, is_gsm7, segments
from tests.servers.serving import serving
from triage.content import load_content, load_sms_texts

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "current.tar.gz"
API_TOKEN = "sms-e2e-api-token"
TWILIO_TOKEN = "sms-e2e-twilio-token-0123456789"
SENDER_KEY = "sms-e2e-sender-key-0123456789abcdef"
# Twilio calls the proxy's public address; the server itself listens on localhost.
PUBLIC_URL = "https://sms.example.org/webhooks/sms/webhook"
CONTENT = load_content()
ROI_PHONE = CONTENT.contacts["roi_phone"].value
WA_ROI_PHONE = CONTENT.contacts["kpwa_west_roi_phone"].value  # Kaiser Permanente Washington ROI
NO_MORE = load_sms_texts().no_more.get()
HINT_STEPS = load_sms_texts().more["steps"].get()

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(not MODEL.exists(), reason="no trained model: run `make test`, which trains it"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    settings = {
        "RASA_AUTH_TOKEN": API_TOKEN,
        "SMS_PUBLIC_URL": PUBLIC_URL,
        "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "SMS_SENDER_KEY": SENDER_KEY,
        "SMS_VERIFY_SIGNATURE": "true",
    }
    with serving(tmp_path_factory.mktemp("sms_e2e"), settings) as running:
        yield running


def new_number() -> str:
    return "+1503555" + str(uuid.uuid4().int % 10_000).zfill(4)


def post(server, params, signature=None):
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if signature is not None:
        headers["X-Twilio-Signature"] = signature
    request = urllib.request.Request(
        f"{server['base']}/webhooks/sms/webhook", urllib.parse.urlencode(params).encode("utf-8"), headers
    )
    try:
        with urllib.request.urlopen(request, timeout=90) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def params_for(number, body):
    return {
        "From": number,
        "To": "+15035550000",
        "Body": body,
        "MessageSid": "SM" + uuid.uuid4().hex,
        "AccountSid": "AC" + "0" * 32,
        "NumMedia": "0",
    }


def text(server, number, body):
    """Send a text signed as Twilio signs it; return the SMS messages of the TwiML answer."""
    params = params_for(number, body)
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(PUBLIC_URL, params)
    status, reply = post(server, params, signature)
    assert status == 200, reply
    root = ET.fromstring(reply.encode("utf-8"))
    assert root.tag == "Response"
    found = [m.text or "" for m in root]
    assert len(found) <= MAX_MESSAGES
    for message in found:
        assert len(message) <= HARD_LIMIT and is_gsm7(message), message
        assert "**" not in message and "<" not in message and "](" not in message, message
    return found


def tracker(server, number):
    url = f"{server['base']}/conversations/{conversation_id(number, SENDER_KEY)}/tracker?token={API_TOKEN}"
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


def stored_events(server, number):
    with sqlite3.connect(server["db"]) as db:
        return db.execute(
            "select count(*) from events where sender_id = ?", (conversation_id(number, SENDER_KEY),)
        ).fetchone()[0]


def test_a_full_sms_conversation_ends_with_the_right_department(server):
    number = new_number()
    [question] = text(server, number, "I need my images")
    assert "Reply 2 for Ultrasound or mammogram" in question
    assert tracker(server, number)["slots"]["department"] is None
    answer = text(server, number, "2")
    state = tracker(server, number)
    assert state["slots"]["department"] == "imaging"
    assert state["latest_input_channel"] == "sms"
    assert answer[0].startswith("Where to go: the Imaging department.")
    assert CONTENT.contacts["imaging_phone"].value in answer[0]  # department and contact first
    follow = text(server, number, "what's their number?")
    assert CONTENT.contacts["imaging_phone"].value in follow[0]
    assert tracker(server, number)["slots"]["department"] == "imaging"


def test_a_reply_with_the_options_words_picks_it(server):
    number = new_number()
    text(server, number, "i need my images")
    answer = text(server, number, "dental x-rays")
    assert tracker(server, number)["slots"]["department"] == "roi"
    assert answer[0].startswith("Where to go: Release of Information")


def test_lawyer_records_by_sms(server):
    number = new_number()
    answer = text(server, number, "my lawyer needs my medical records")
    assert tracker(server, number)["slots"]["department"] == "roi"
    assert answer[0].startswith("Where to go: Release of Information (ROI).")
    assert ROI_PHONE in answer[0] and "nw.roi@kp.org" in answer[0]
    assert len(answer) == 1 and segments(answer[0]) == 1 and answer[0].endswith(HINT_STEPS)
    pages = the_rest(server, number)
    assert "$16.50" in "\n".join(pages)
    assert all(segments(page) <= 2 for page in pages)
    assert tracker(server, number)["slots"]["department"] == "roi"  # MORE ran no turn


def the_rest(server, number, first_word="MORE"):
    """Every page of the last answer, asking MORE (in several spellings) until that's all."""
    pages = []
    for word in [first_word] + ["more please", "Más", "more", "mas", "MORE"] * 3:
        [page] = text(server, number, word)
        if page == NO_MORE:
            return pages
        pages.append(page)
    raise AssertionError(f"no end after {len(pages)} pages")


def test_more_is_answered_by_the_channel_and_a_replayed_more_gets_the_same_page(server):
    number = new_number()
    [first] = text(server, number, "my lawyer needs my medical records")
    events = stored_events(server, number)
    params = params_for(number, "more")
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(PUBLIC_URL, params)
    replies = [post(server, params, signature) for _ in range(3)]
    assert {status for status, _ in replies} == {200} and len({body for _, body in replies}) == 1
    [page] = [m.text for m in ET.fromstring(replies[0][1].encode("utf-8"))]
    assert page != NO_MORE and page not in first
    assert stored_events(server, number) == events + 1  # the page sent, once; no user turn
    state = tracker(server, number)
    assert state["slots"]["department"] == "roi"
    assert [e["text"] for e in state["events"] if e["event"] == "user"] == ["my lawyer needs my medical records"]
    [following] = text(server, number, "MORE")
    assert following != page  # the next page, not the same one again
    assert post(server, params, signature)[1] == replies[0][1]  # still the same reply for that text


def test_a_washington_conversation_gets_the_washington_office_first(server):
    number = new_number()
    answer = text(server, number, "I live in Seattle and need my records")
    for _ in range(3):  # answer any question with its first option until there is a department
        if tracker(server, number)["slots"]["department"]:
            break
        answer = text(server, number, "1")
    assert tracker(server, number)["slots"]["department"] == "roi"
    first = answer[0]
    assert segments(first) == 1
    assert WA_ROI_PHONE in first and "Western Washington" in first, first
    assert ROI_PHONE not in first and "nw.roi@kp.org" not in first and "Portland" not in first, first


def test_forged_texts_are_refused_and_never_stored(server):
    number = new_number()
    params = params_for(number, "my lawyer needs my records")
    forged = {
        "unsigned": None,
        "wrong token": RequestValidator("guessed-token").compute_signature(PUBLIC_URL, params),
        "wrong url": RequestValidator(TWILIO_TOKEN).compute_signature(f"{server['base']}/webhooks/sms/webhook", params),
        "other body": RequestValidator(TWILIO_TOKEN).compute_signature(PUBLIC_URL, {**params, "Body": "hi"}),
    }
    for case, signature in forged.items():
        status, body = post(server, params, signature)
        assert status == 403, case
        assert "<Message>" not in body
    assert stored_events(server, number) == 0


def test_stop_help_start_on_the_real_server(server):
    number = new_number()
    [greeting] = text(server, number, "hello")
    assert "STOP" in greeting and "Reply 1 for" in greeting  # the domain's `channel: sms` greeting
    [help_text] = text(server, number, "HELP")
    assert ROI_PHONE in help_text
    assert text(server, number, "STOP") == []
    assert tracker(server, number)["paused"] is True
    before = stored_events(server, number)
    assert text(server, number, "my lawyer needs my records") == []
    assert stored_events(server, number) == before  # nothing reached the assistant
    assert text(server, number, "START")
    text(server, number, "my lawyer needs my records")
    assert tracker(server, number)["slots"]["department"] == "roi"


def test_bad_input_never_gets_a_500(server):
    number = new_number()
    assert text(server, number, "")  # a polite text
    assert text(server, number, "records " * 1250)  # 10,000 characters: a polite text
    status, _ = post(
        server, {"Body": "hello"}, RequestValidator(TWILIO_TOKEN).compute_signature(PUBLIC_URL, {"Body": "hello"})
    )
    assert status == 400  # no From
    request = urllib.request.Request(
        f"{server['base']}/webhooks/sms/webhook",
        b"From=%2B15035550100&Body=%FF%FE",
        {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": "x"},
    )
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(request, timeout=30)
    assert error.value.code == 400


def test_the_number_and_the_text_are_not_in_the_log_or_the_store(server):
    number = "+15035559876"
    text(server, number, "my lawyer Zebulon Quixote needs my records")
    log = server["log"].read_text()
    assert "Zebulon" not in log and "5559876" not in log
    with sqlite3.connect(server["db"]) as db:
        rows = db.execute("select sender_id, data from events").fetchall()
    assert rows and not any("5559876" in sender or "5559876" in data for sender, data in rows)


def test_the_send_script_signs_like_twilio(server, tmp_path):
    env_file = tmp_path / ".env"
    port = server["base"].rsplit(":", 1)[1]
    env_file.write_text(f"RASA_PORT={port}\nSMS_PUBLIC_URL={PUBLIC_URL}\nTWILIO_AUTH_TOKEN={TWILIO_TOKEN}\n")
    env = {k: v for k, v in os.environ.items() if k not in ("RASA_PORT", "SMS_PUBLIC_URL", "TWILIO_AUTH_TOKEN")}
    run = [sys.executable, "scripts/sms_send.py", "--env-file", str(env_file), "--from", new_number()]
    signed = subprocess.run(
        run + ["my dentist wants my x-rays"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert signed.returncode == 0, signed.stderr
    assert "--- SMS 1/" in signed.stdout and "Release of Information" in signed.stdout
    unsigned = subprocess.run(
        run + ["--unsigned", "hello"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert unsigned.returncode == 1 and "HTTP 403" in unsigned.stderr
