"""Finding 3: a signed SMS could be replayed: the same request three times was
answered three times and stored as three turns with the same MessageSid.

Now a MessageSid already in the conversation is answered again from what was
stored (channels/sms.py, ``stored_answer``), never run as a new turn.
"""

from __future__ import annotations

import sqlite3
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from channels.sms import stored_answer
from channels.sms_config import conversation_id
from tests.security.conftest import SENDER_KEY, sms, sms_params


def user(text, sid):
    return UserUttered(text, metadata={"sms": {"message_sid": sid}})


def test_stored_answer_finds_the_messages_that_answered_that_text():
    tracker = DialogueStateTracker.from_events(
        "sms-x",
        [
            user("i need my images", "SM1"),
            ActionExecuted("action_converse"),
            BotUttered("Which images?", {"buttons": [{"title": "X-rays", "payload": "/x"}]}, {"part": "choices"}),
            user("2", "SM2"),
            BotUttered("Where to go: Imaging.", metadata={"part": "department_card"}),
        ],
    )
    first = stored_answer(tracker, "SM1")
    assert [m["text"] for m in first] == ["Which images?"] and first[0]["part"] == "choices"
    assert first[0]["buttons"][0]["title"] == "X-rays"
    assert [m["text"] for m in stored_answer(tracker, "SM2")] == ["Where to go: Imaging."]
    assert stored_answer(tracker, "SM3") is None  # never handled: run it
    assert stored_answer(tracker, None) is None
    assert stored_answer(None, "SM1") is None


def turns(server, number):
    with sqlite3.connect(server["db"]) as db:
        return db.execute(
            "select count(*) from events where sender_id = ? and type_name = 'user'",
            (conversation_id(number, SENDER_KEY),),
        ).fetchone()[0]


@pytest.mark.live
def test_a_replayed_signed_text_is_answered_once(server):
    number = "+1503555" + str(uuid.uuid4().int % 10_000).zfill(4)
    params = sms_params(number, "my dentist wants my x-rays")
    answers = [sms(server, params) for _ in range(3)]
    assert {status for status, _, _ in answers} == {200}
    assert answers[0][1] == answers[1][1] == answers[2][1]  # the same answer each time
    assert "Release of Information" in answers[0][1]
    assert turns(server, number) == 1
    # a new text (new MessageSid) is a new turn
    assert sms(server, sms_params(number, "what's their phone number?"))[0] == 200
    assert turns(server, number) == 2


@pytest.mark.live
def test_the_same_text_at_the_same_moment_is_one_turn(server):
    number = "+1503555" + str(uuid.uuid4().int % 10_000).zfill(4)
    params = sms_params(number, "fmla paperwork for my surgery")
    with ThreadPoolExecutor(3) as pool:
        answers = list(pool.map(lambda _: sms(server, params), range(3)))
    assert {status for status, _, _ in answers} == {200}
    assert len({body for _, body, _ in answers}) == 1
    assert turns(server, number) == 1


def more_page(text, n, sid):
    return BotUttered(text, metadata={"sms": {"more": n, "message_sid": sid}})


def test_a_replayed_more_is_answered_from_the_page_it_got():
    """MORE is answered by the channel (no turn): the page sent is kept as a marked
    bot event, so a replay of that MessageSid gets the same page, the answer of
    the question stays what it was, and the next MORE knows how many were sent."""
    from channels.sms import last_answer, stored_more

    tracker = DialogueStateTracker.from_events(
        "sms-x",
        [
            user("my lawyer needs my records", "SM1"),
            BotUttered("Where to go: ROI.", metadata={"part": "department_card"}),
            more_page("Steps: ...", 1, "SM2"),
            more_page("What to include: ...", 2, "SM3"),
        ],
    )
    assert stored_more(tracker, "SM2") == "Steps: ..." and stored_more(tracker, "SM3") == "What to include: ..."
    assert stored_more(tracker, "SM1") is None and stored_more(tracker, None) is None
    assert [m["text"] for m in stored_answer(tracker, "SM1")] == ["Where to go: ROI."]  # pages not part of it
    answer, sent = last_answer(tracker)
    assert [m["text"] for m in answer] == ["Where to go: ROI."] and sent == 2
    tracker.update(user("2", "SM4"))
    assert last_answer(tracker) == ([], 0)  # a new text: the pages start again with its answer
