"""The hardened REST channel's request reading (channels/rest.py) and text cleaning
(channels/guard.py): examples and Hypothesis properties. No server."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from channels import guard
from channels.rest import MAX_BODY_BYTES, MAX_SENDER, BadRequest, read_message, read_request, read_sender


def status_of(content_type, body):
    try:
        read_request(content_type, body)
        return 200
    except BadRequest as bad:
        return bad.status


@pytest.mark.parametrize(
    "content_type, body, status",
    [
        ("application/json", b'{"sender": "a", "message": "hi"}', 200),
        ("application/json; charset=utf-8", b'{"sender": "a", "message": "hi", "extra": [1, 2]}', 200),
        ("application/json", b"", 400),
        ("application/json", b"{not json", 400),
        ("application/json", b'{"sender": "a", "message": "\xff\xfe"}', 400),
        ("application/json", b'["sender", "a"]', 400),
        ("application/json", b"null", 400),
        ("application/json", b"[" * MAX_BODY_BYTES + b"]" * MAX_BODY_BYTES, 413),
        ("application/json", b"[" * 5000 + b"]" * 5000, 400),
        ("text/plain", b'{"sender": "a", "message": "hi"}', 200),
        ("application/x-www-form-urlencoded", b'{"sender": "a", "message": "hi"}', 200),
        ("", b'{"sender": "a"}', 200),
        ("application/x-www-form-urlencoded", b"sender=a&message=hi", 400),
        ("text/plain", b"hello there", 400),
        ("application/json", b'{"sender": "a", "message": "' + b"x" * MAX_BODY_BYTES + b'"}', 413),
    ],
    ids=lambda value: value[:20] if isinstance(value, (bytes, str)) else str(value),
)
def test_request_reading(content_type, body, status):
    assert status_of(content_type, body) == status


def test_a_form_body_is_refused_with_a_reason_that_says_json():
    with pytest.raises(BadRequest) as bad:
        read_request("application/x-www-form-urlencoded", b"sender=a&message=hi")
    assert bad.value.status == 400 and "JSON" in bad.value.reason and "form" in bad.value.reason


@pytest.mark.parametrize(
    "payload, ok",
    [
        ({"sender": "web-1f3a"}, False),  # the widget's id: not the REST webhook's to continue
        ({"sender": "SMS-0f3a"}, False),
        ({"sender": "agent-call-1"}, False),
        ({"sender": "jane-roe-1980-03-04"}, False),  # a date of birth in an id
        ({"sender": "me"}, True),
        ({"sender": 12345}, True),
        ({}, False),
        ({"sender": None}, False),
        ({"sender": ""}, False),
        ({"sender": "   \t"}, False),
        ({"sender": ["a"]}, False),
        ({"sender": True}, False),
        ({"sender": "x" * (MAX_SENDER + 1)}, False),
        ({"sender": "x" * 10000}, False),
        ({"sender": "jane.roe@example.net"}, False),
        ({"sender": "+1 503 555 0100"}, False),
        ({"sender": "123-45-6789"}, False),
        ({"sender": "5035550100"}, False),
        ({"sender": "load-3f2a9c81d04b7e6512aa"}, True),  # random ids have digits among letters
        ({"sender": "0b7f1a2c-93d4-4e5f-8a6b-7c8d9e0f1a2b"}, True),  # uuid4
        ({"sender": "1234567"}, True),
    ],
    ids=lambda value: str(value)[:30],
)
def test_sender(payload, ok):
    if ok:
        assert read_sender(payload)
    else:
        with pytest.raises(BadRequest) as bad:
            read_sender(payload)
        assert bad.value.status == 400


def test_message_must_be_text_when_given():
    assert read_message({}) == ""
    assert read_message({"message": "hi"}) == "hi"
    for wrong in (5, ["hi"], {"text": "hi"}, True):
        with pytest.raises(BadRequest):
            read_message({"message": wrong})


def test_cleaning_examples():
    assert guard.clean("  hi\x00there\x1b[31m  ") == "hi there [31m"
    assert guard.clean("records\ud800please") == "records please"
    assert guard.clean("ＭＲＮ １２３４５６７") == "MRN 1234567"
    assert guard.prepare("ＳＳＮ １２３-４５-６７８９") == "SSN [ssn]"
    assert guard.clean("I need my x-rays 🙂") == "I need my x-rays 🙂"
    assert guard.clean(None) == "" and guard.clean(5) == ""


# -- properties ---------------------------------------------------------------
any_text = st.text(alphabet=st.characters(), max_size=300)  # includes surrogates and control characters


@settings(max_examples=400, deadline=None)
@given(any_text)
def test_prepared_text_is_storable(text):
    out = guard.prepare(text)
    out.encode("utf-8")  # no lone surrogate: SQLite, PostgreSQL and logs accept it
    assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in out)
    assert out == out.strip()
    assert "\x00" not in out


@settings(max_examples=400, deadline=None)
@given(any_text)
def test_preparing_twice_changes_nothing(text):
    once = guard.prepare(text)
    assert guard.prepare(once) == once


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400), st.sampled_from(["application/json", "text/plain", ""]))
def test_any_bytes_are_read_or_refused_with_a_4xx(body, content_type):
    assert status_of(content_type, body) in (200, 400, 413)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["sender", "message", "metadata", "x"]), json_values))
def test_any_json_object_gives_a_sender_and_message_or_a_400(payload):
    body = json.dumps(payload).encode()
    assert isinstance(read_request("application/json", body), dict)
    try:
        sender = read_sender(payload)
        message = read_message(payload)
    except BadRequest as bad:
        assert bad.status == 400
        return
    assert 0 < len(sender) <= MAX_SENDER and isinstance(message, str)
