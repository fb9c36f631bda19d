"""The safety model (triage/safety_model.py): emergencies and crises in words no
safety list holds, and no alarm on everyday or records messages. The messages here
are written for this test, not taken from the conversation test set."""

from __future__ import annotations

import pytest

from tests.triage.test_converse import talk
from triage import safety_model

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "text, kinds",
    [
        ("my dad's words are all mixed up and his right hand keeps dropping his coffee cup", {"emergency"}),
        (
            "she fell down the stairs, there's blood coming from her ear and she keeps asking the same question",
            {"emergency"},
        ),
        ("im so done, i keep looking at the bottle of pills in my drawer", {"crisis"}),
        ("mi abuelo tiene la cara chueca de repente y no puede levantar la mano izquierda", {"emergency"}),
    ],
)
def test_the_model_knows_an_emergency_told_in_new_words(text, kinds):
    assert safety_model.model().kind(text) in kinds


@pytest.mark.parametrize(
    "text",
    [
        "can you tell me the weather for saturday in portland",
        "i need copies of my records for my new dentist please",
        "how long does the fmla form take to show up in letters",
        "quiero saber cuanto cuesta mandar mis records a mi abogado",
        "what is the fax number for release of information in spokane",
    ],
)
def test_the_model_keeps_quiet_on_everyday_and_records_messages(text):
    probability, _ = safety_model.model().score(text)
    assert probability < safety_model.THRESHOLD


def test_a_quiet_farewell_is_still_missed():
    # what the model does not know yet (docs/evaluation.md): a plan told without
    # any word of pills, death or ending; kept here so a change that catches it shows
    probability, _ = safety_model.model().score(
        "i dont see myself being here next week, i already sorted out who gets my dog"
    )
    assert probability < safety_model.THRESHOLD


def test_a_short_message_is_never_the_models():
    assert safety_model.model().kind("i just don't know") is None


def test_the_step_asks_the_model_when_no_safety_word_is_found():
    ((outcome, slots),) = talk("my dad's words are all mixed up and his right hand keeps dropping his coffee cup")
    assert outcome.kind == "safety:emergency" and not slots.get("department")


def test_the_step_does_not_ask_the_model_about_something_past():
    # the same signs told as last year's: the records request is answered
    ((outcome, slots),) = talk(
        "last year my dad's words got all mixed up and his right hand was weak, I need his hospital records"
    )
    assert not outcome.kind.startswith("safety") and slots["department"] == "roi"
