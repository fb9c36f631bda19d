"""Finding 4: the sender id was the only credential, across channels: the REST
webhook accepted the widget's (`web-`), SMS (`sms-`) and the agent console's
(`agent-`) ids, with no sign-in, and continued those conversations with their
context; widget ids like `web-00000000` were accepted.

Now each channel owns its prefix (channels/senders.py) and refuses the others'
(400); a widget id is `web-` and a random UUID or 32 hex characters; the REST
webhook needs `Authorization: Bearer <REST_TOKEN>` when REST_TOKEN is set
(required in production).
"""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from channels.rest import RestInput, token_ok
from channels.senders import owner, refusal
from tests.security.conftest import Agent, rest, tracker, web


@pytest.mark.parametrize(
    "sender, channel, ok",
    [
        ("web-0f8e2c1a-1b2c-4d5e-8f90-123456789abc", "web", True),
        ("web-" + "0f" * 16, "web", True),
        ("web-00000000", "web", False),
        ("web-0f8e2c1a-1b2c-1d5e-8f90-123456789abc", "web", False),  # not a random (version 4) UUID
        ("web-<script>", "web", False),
        ("agent-call-1234", "web", False),
        ("web-0f8e2c1a-1b2c-4d5e-8f90-123456789abc", "rest", False),
        ("WEB-0f8e2c1a-1b2c-4d5e-8f90-123456789abc", "rest", False),
        ("sms-" + "a" * 40, "rest", False),
        (" agent-call-1", "rest", False),
        ("crm-4711-a", "rest", True),
        ("sms-" + "a" * 40, "sms", True),
        ("agent-call-1", "agent", True),
    ],
)
def test_each_channel_owns_its_ids(sender, channel, ok):
    assert (refusal(sender, channel) is None) is ok


def test_owner():
    assert owner("web-x") == "web" and owner("Sms-x") == "sms" and owner("agent-x") == "agent" and owner("x") == "rest"


def test_rest_token():
    assert token_ok("Bearer abc", "abc") and not token_ok("Bearer abd", "abc")
    assert not token_ok(None, "abc") and not token_ok("abc", "abc") and not token_ok("Bearer ", "abc")
    assert RestInput({"ENV": "production"}).closed  # production without a token: nothing gets in
    assert not RestInput({"ENV": "development"}).closed and RestInput({"REST_TOKEN": "t"}).token == "t"


@pytest.mark.live
def test_rest_cannot_continue_another_channels_conversation(server):
    visitor = "web-" + str(uuid.uuid4())
    status, _, _ = web(server, visitor, "my dentist wants my x-rays")
    assert status == 200
    assert tracker(server, visitor)["slots"]["department"] == "roi"
    agent = Agent(server)
    assert agent.csrf, "the agent could not sign in"
    assert agent.say("call-4242", "my lawyer needs my records")[0] == 200
    for sender in (visitor, "agent-call-4242", "sms-" + "0" * 40, visitor.upper()):
        status, body, _ = rest(server, sender, "what's their phone number?")
        assert status == 400 and "belongs to the" in body, (sender, body)
    events = [e for e in tracker(server, visitor)["events"] if e["event"] == "user"]
    assert len(events) == 1  # nothing was added to the visitor's conversation


@pytest.mark.live
def test_the_widget_takes_only_random_widget_ids(server):
    for sender in ("web-00000000", "web-aaaaaaaaaaaaaaaaaaaaaaaa", "agent-call-4242", "me"):
        assert web(server, sender, "hello")[0] == 400, sender
    assert web(server, "web-" + uuid.uuid4().hex, "hello")[0] == 200


@pytest.mark.live
def test_the_rest_webhook_needs_its_token_when_one_is_set(server):
    assert rest(server, "crm-1001-a", "my lawyer needs my records", headers={"Authorization": ""})[0] == 401
    assert rest(server, "crm-1001-a", "my lawyer needs my records", headers={"Authorization": "Bearer x"})[0] == 401
    status, body, _ = rest(server, "crm-1001-a", "my lawyer needs my records")
    assert status == 200 and "Release of Information" in body


@settings(deadline=None)  # the first call loads the name lists (privacy/masking.py)
@given(st.uuids(version=4), st.binary(min_size=6, max_size=16))
def test_random_ids_are_never_taken_for_identifiers(some_uuid, raw):
    from channels.rest import looks_like_identifier

    assert not looks_like_identifier(str(some_uuid))
    assert not looks_like_identifier(f"eval-{raw.hex()}")
