"""Bad input on every public endpoint of a real server: a clear 4xx or a polite
reply, never a 5xx, and the server still answers afterwards.

The cases are listed in README ("Bad input: cases tried"). The SMS webhook runs
with its signature check off here (SMS_VERIFY_SIGNATURE=false) so the bodies
themselves are tested; a wrong signature is covered by tests/channels.
"""

from __future__ import annotations

import json
import sqlite3

import pytest

from channels.guard import service_text
from tests.servers.live import text

REST = "/webhooks/rest/webhook"
SMS = "/webhooks/sms/webhook"
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"


def rest_body(message, sender="prod-bad", **extra):
    return json.dumps({"sender": sender, "message": message, **extra}).encode()


# (name, body, content type, the statuses allowed)
REST_CASES = [
    ("empty body", b"", JSON, {400}),
    ("empty message", rest_body(""), JSON, {200}),
    ("whitespace message", rest_body(" \t\n  "), JSON, {200}),
    ("no message field", json.dumps({"sender": "prod-bad"}).encode(), JSON, {200}),
    ("100,000 characters", rest_body("records " * 12500), JSON, {200}),
    ("control characters", rest_body("I need\x00 my\x07 x-rays\x1b[2J\r\n"), JSON, {200}),
    ("invalid UTF-8", b'{"sender": "prod-bad", "message": "x-rays \xff\xfe\xc3"}', JSON, {400}),
    ("lone surrogate escape", b'{"sender": "prod-bad", "message": "x-rays \\ud800 please"}', JSON, {200}),
    ("emoji", rest_body("I need my x-rays 🙂🦴📄"), JSON, {200}),
    ("HTML and script", rest_body("<script>alert('x')</script><img src=x onerror=alert(1)> records"), JSON, {200}),
    ("SQL-looking text", rest_body("'; DROP TABLE events; -- my records"), JSON, {200}),
    ("malformed JSON", b'{"sender": "prod-bad", "message": "hi"', JSON, {400}),
    ("JSON array", b'["prod-bad", "hi"]', JSON, {400}),
    ("JSON sent as text/plain", rest_body("hi"), "text/plain", {200}),
    ("JSON sent with curl's form type", rest_body("hi"), FORM, {200}),
    ("form instead of JSON", b"sender=prod-bad&message=hi", FORM, {400}),
    ("huge JSON", json.dumps({"sender": "prod-bad", "message": "hi", "pad": "x" * 2_000_000}).encode(), JSON, {413}),
    ("deeply nested JSON", b'{"sender": "prod-bad", "x": ' + b"[" * 20000 + b"]" * 20000 + b"}", JSON, {400}),
    ("unknown fields", rest_body("I need my x-rays", color="blue", input_channel="sms", stream=[1]), JSON, {200}),
    ("message is a number", json.dumps({"sender": "prod-bad", "message": 42}).encode(), JSON, {400}),
    ("message is an object", json.dumps({"sender": "prod-bad", "message": {"t": 1}}).encode(), JSON, {400}),
    ("no sender", json.dumps({"message": "hi"}).encode(), JSON, {400}),
    ("10,000-character sender", rest_body("hi", sender="s" * 10000), JSON, {400}),
    ("sender is an email", rest_body("hi", sender="jane.roe@example.net"), JSON, {400}),
    ("metadata not an object", rest_body("I need my x-rays", metadata="x"), JSON, {200}),
    ("intent injection", rest_body('/request_records{"department": "<b>x</b>"}'), JSON, {200}),
]

SMS_CASES = [
    ("empty body", b"", FORM, {400}),
    ("no From", b"Body=hello", FORM, {400}),
    ("empty Body", b"From=%2B15035550101&Body=", FORM, {200}),
    ("whitespace Body", b"From=%2B15035550101&Body=+%09+", FORM, {200}),
    ("100,000 characters", b"From=%2B15035550101&Body=" + b"records+" * 12500, FORM, {200}),
    ("control characters", b"From=%2B15035550101&Body=x-rays%00%07%1b", FORM, {200}),
    ("invalid UTF-8", b"From=%2B15035550101&Body=x-rays+\xff\xfe", FORM, {400}),
    ("invalid percent-encoded UTF-8", b"From=%2B15035550101&Body=x-rays+%FF%FE", FORM, {400}),
    ("emoji", "From=%2B15035550101&Body=I+need+my+x-rays+🙂".encode(), FORM, {200}),
    ("HTML and script", b"From=%2B15035550101&Body=%3Cscript%3Ealert(1)%3C%2Fscript%3E+records", FORM, {200}),
    ("SQL-looking text", b"From=%2B15035550101&Body=%27%3B+DROP+TABLE+events%3B+--", FORM, {200}),
    ("JSON instead of a form", rest_body("hi"), JSON, {400}),
    ("malformed form", b"&&==&From&Body", FORM, {400}),
    ("unknown fields", b"From=%2B15035550101&Body=I+need+my+x-rays&Foo=bar&NumMedia=9", FORM, {200}),
    ("10,000-character From", b"From=" + b"9" * 10000 + b"&Body=hi", FORM, {200}),
    ("huge body", b"From=%2B15035550101&Body=hi&Pad=" + b"x" * 2_000_000, FORM, {200, 413}),
]


def check(stack, path, name, body, content_type, allowed):
    status, reply, _ = stack.post(path, body, content_type)
    assert status in allowed, f"{name}: {status} {reply[:300]!r}"
    assert status < 500
    return status, reply


@pytest.mark.parametrize("name, body, content_type, allowed", REST_CASES, ids=[c[0] for c in REST_CASES])
def test_rest_webhook(stack, name, body, content_type, allowed):
    status, reply = check(stack, REST, name, body, content_type, allowed)
    answer = json.loads(reply)
    if status == 200:
        assert answer and all(isinstance(m, dict) for m in answer)
        assert "<script>" not in reply.decode() and "onerror" not in reply.decode()
    else:
        assert answer["error"]  # says what is wrong


@pytest.mark.parametrize("name, body, content_type, allowed", SMS_CASES, ids=[c[0] for c in SMS_CASES])
def test_sms_webhook(stack, name, body, content_type, allowed):
    status, reply = check(stack, SMS, name, body, content_type, allowed)
    if status == 200:
        assert reply.decode().startswith("<?xml")
        assert "<script>" not in reply.decode()


def test_polite_replies_for_empty_and_too_long(stack):
    status, replies, _ = stack.say("prod-bad-polite", "   ")
    assert status == 200 and text(replies) == service_text("empty")
    status, replies, _ = stack.say("prod-bad-polite", "records " * 12500)
    assert status == 200 and text(replies) == service_text("too_long")
    # neither was stored
    assert not [e for e in stack.tracker("prod-bad-polite")["events"] if e["event"] == "user"]


def test_sql_looking_text_is_stored_as_text(stack):
    stack.say("prod-bad-sql", "'; DROP TABLE events; -- my records")
    with sqlite3.connect(stack.db) as db:
        rows = db.execute("select count(*) from events where sender_id = 'prod-bad-sql'").fetchone()[0]
    assert rows > 0


def test_the_server_still_answers_after_all_of_it(stack):
    status, replies, _ = stack.say("prod-bad-after", "my dentist wants my x-rays")
    assert status == 200
    assert stack.tracker("prod-bad-after")["slots"]["department"] == "roi"
