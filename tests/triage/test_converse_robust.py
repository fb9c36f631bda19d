"""The conversation step never breaks: every user turn the open conversation set's
independent writers wrote, with a random NLU reading (Rasa always names an intent) and a random question pending
(the triage's own, or one of the rights answers'), gives an outcome.

Writer 17's first play found one that did not (a typed reply while the rights answer
waited for a state raised KeyError); this walks every turn of the open set so the next
one is found here, not by a person."""

from __future__ import annotations

import random

import pytest

from tests.conversations import harness
from tests.triage.test_converse import talk

pytestmark = pytest.mark.unit

INTENTS = (
    "out_of_scope",
    "nlu_fallback",
    "ask_cost",
    "ask_time_frame",
    "ask_contact",
    "ask_hours",
    "ask_free_copy",
    "ask_records_deadline",
    "ask_denial_rights",
    "inform",
    "affirm",
    "deny",
    "request_records",
    "request_imaging",
    "request_leave_certification",
    "ask_what_to_include",
    "thank",
)
PENDING = (
    {},
    {"pending_question": "jurisdiction", "request_type": "records", "route": "roi_own_copy"},
    {"pending_question": "pages", "request_type": "records", "route": "roi_third_party"},
    {"pending_question": "request_date", "request_type": "records", "route": "roi_own_copy"},
    {"pending_question": "record_kind", "request_type": "records"},
    {"pending_question": "imaging_kind", "request_type": "imaging"},
    {"pending_question": "region", "request_type": "records", "record_kind": "full_record"},
)


def test_every_open_turn_with_any_reading_gives_an_outcome():
    chance = random.Random(17)
    played = 0
    for conversation in harness.load():
        turns = [(t["user"], chance.choice(INTENTS), chance.random()) for t in conversation["turns"]]
        outcomes = talk(*turns, slots=dict(chance.choice(PENDING)))
        assert len(outcomes) == len(turns)
        assert all(outcome.replies or outcome.delegate for outcome, _ in outcomes), conversation["id"]
        played += len(turns)
    assert played > 2000
