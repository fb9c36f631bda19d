"""Faults with real servers: the action server stopped or slow, the database gone.

The user still gets, within 3 seconds, a reply with the ROI phone number and the
main contacts (content/service.yml), and the conversation goes on afterwards.
"""

from __future__ import annotations

import time

from channels.guard import unavailable_text
from tests.servers.live import stop, text
from triage.content import load_content

LIMIT = 3.0


def contacts():
    values = {c: v.value for c, v in load_content().contacts.items()}
    return [values["roi_phone"], values["roi_toll_free"], values["imaging_phone"], values["main_phone"]]


def assert_contacts_in_time(status, replies, seconds):
    assert status == 200
    assert seconds < LIMIT, f"{seconds:.2f} s"
    said = text(replies)
    assert said == unavailable_text()
    for number in contacts():
        assert number in said


def user_turns(stack, sender):
    return [e["text"] for e in stack.tracker(sender)["events"] if e["event"] == "user"]


def test_action_server_stopped(stack):
    sender = "prod-fault-down"
    status, replies, _ = stack.say(sender, "my lawyer needs my records")
    assert status == 200 and stack.tracker(sender)["slots"]["department"] == "roi"
    stop(stack.actions)  # the real action server process is gone
    try:
        status, replies, seconds = stack.say(sender, "how long does it take?")
        assert_contacts_in_time(status, replies, seconds)
    finally:
        stack.start_actions()
    status, replies, _ = stack.say(sender, "how long does it take?")
    assert status == 200 and "5 business days" in text(replies)
    assert stack.tracker(sender)["slots"]["department"] == "roi"


def test_action_server_slow(stack):
    sender = "prod-fault-slow"
    status, replies, _ = stack.say(sender, "my lawyer needs my records")
    assert status == 200 and stack.tracker(sender)["slots"]["department"] == "roi"
    before = user_turns(stack, sender)
    stack.proxy.mode, stack.proxy.delay = "slow", 10
    try:
        status, replies, seconds = stack.say(sender, "how long does it take?")
        assert_contacts_in_time(status, replies, seconds)
    finally:
        stack.proxy.mode = "pass"
    time.sleep(0.5)
    # the slow turn was cancelled whole: nothing half-done in the conversation
    assert user_turns(stack, sender) == before
    status, replies, _ = stack.say(sender, "how long does it take?")
    assert status == 200 and "5 business days" in text(replies)
    assert user_turns(stack, sender) == before + ["how long does it take?"]


def test_action_server_drops_connections(stack):
    sender = "prod-fault-drop"
    stack.proxy.mode = "down"
    try:
        status, replies, seconds = stack.say(sender, "i need fmla paperwork for my surgery")
        assert_contacts_in_time(status, replies, seconds)
    finally:
        stack.proxy.mode = "pass"
    status, replies, _ = stack.say(sender, "i need fmla paperwork for my surgery")
    assert status == 200 and "Request FMLA Medical Certification" in text(replies)


def test_sms_gets_the_contacts_when_the_action_server_is_down(stack):
    body = "From=%2B15035550100&Body=my+lawyer+needs+my+records&MessageSid=SM1"
    stack.proxy.mode = "down"
    try:
        status, reply, seconds = stack.post("/webhooks/sms/webhook", body.encode(), "application/x-www-form-urlencoded")
    finally:
        stack.proxy.mode = "pass"
    assert status == 200 and seconds < LIMIT
    assert contacts()[0] in reply.decode()


def test_database_gone_is_a_clear_503_not_a_hang(stack):
    sender = "prod-fault-db"
    status, replies, _ = stack.say(sender, "my lawyer needs my records")
    assert status == 200
    db, aside = stack.db, stack.db.with_name("tracker.db.aside")
    db.rename(aside)
    db.mkdir()  # a directory where the database file was: every connection fails
    try:
        status, replies, seconds = stack.say(sender, "how long does it take?")
    finally:
        db.rmdir()
        aside.rename(db)
    assert status == 503 and seconds < LIMIT
    assert contacts()[0] in text(replies)
    status, replies, _ = stack.say(sender, "how long does it take?")
    assert status == 200 and "5 business days" in text(replies)
    assert stack.tracker(sender)["slots"]["department"] == "roi"
