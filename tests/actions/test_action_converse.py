"""action_converse: the language a message sets is the language of its own answer."""

from __future__ import annotations

import asyncio
from pathlib import Path

import yaml
from rasa_sdk.executor import CollectingDispatcher

from actions.action_converse import ActionConverse, response_in
from tests.actions.helpers import tracker

DOMAIN = yaml.safe_load((Path(__file__).resolve().parents[2] / "domain.yml").read_text(encoding="utf-8"))
NO_DOMAIN: dict = {}  # what Rasa sends our actions (endpoints.yml: enable_selective_domain)


def converse(intent: str, text: str, slots=None):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionConverse().run(dispatcher, tracker(intent, slots=slots, text=text), NO_DOMAIN))
    return dispatcher.messages, {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_a_spanish_greeting_is_answered_in_spanish_at_once():
    messages, slots = converse("greet", "hola")
    assert slots["language"] == "es"
    assert messages[0]["text"].startswith("¡Hola!") and messages[0]["buttons"][0]["title"] == "Mi expediente"


def test_an_english_greeting_uses_the_response_itself():
    messages, slots = converse("greet", "hi there, good morning")
    assert slots["language"] == "en"
    assert messages[0]["response"] == "utter_greet"


def test_a_spanish_request_gets_spanish_steps_and_the_slot():
    messages, slots = converse("request_records", "necesito una copia de todo mi expediente medico")
    assert slots["language"] == "es" and slots["department"] == "roi"
    text = " ".join(m.get("text") or "" for m in messages)
    assert "copias de expedientes" in text and "Steps" not in text


def test_a_handler_answering_for_the_step_answers_in_the_new_language():
    messages, slots = converse("ask_right_to_records", "tengo derecho a ver mi expediente? vivo en washington")
    assert slots["language"] == "es"
    assert messages[0]["text"].startswith("Ley de Washington: Usted tiene derecho")


def test_the_variation_for_a_language():
    assert response_in(DOMAIN, "utter_goodbye", "es")["text"].startswith("¡Que le vaya bien!")
    assert response_in(DOMAIN, "utter_goodbye", "en")["text"].startswith("Take care")
    assert response_in(DOMAIN, "utter_nothing", "es") is None


def test_every_message_says_its_language():
    messages, _ = converse("request_records", "necesito una copia de todo mi expediente medico")
    assert {m["language"] for m in messages} == {"es"}
    messages, _ = converse("request_records", "i need a copy of my whole chart")
    assert {m["language"] for m in messages} == {"en"}


def test_someone_acting_for_the_patient_is_remembered_across_turns():
    # the step's own requester value ("representative") must survive the slot round
    # trip, or "what do I send?" loses the proof of acting for the patient (writer 36)
    messages, slots = converse(
        "ask_what_to_include",
        "que tengo que mandar con la solicitud?",
        slots={
            "language": "es",
            "requester": "representative",
            "request_type": "records",
            "department": "roi",
            "route": "roi_own_copy",
            "record_kind": "full_record",
        },
    )
    text = " ".join(m.get("text") or "" for m in messages)
    assert "tutor legal" in text and "Qué incluir" in text


def test_warm_up_loads_what_a_first_message_would_wait_for():
    """The action server imports this module at start; warm_up fills the caches a
    first message would otherwise fill (under load that took past the answer limit)."""
    from actions import action_converse
    from triage import converse as step_module
    from triage.conversation_content import load_conversation

    load_conversation.cache_clear()
    step_module._FAQ_INDEXES.clear()
    action_converse.warm_up()
    assert load_conversation.cache_info().currsize == 1
    conversation_id = id(load_conversation())
    assert set(step_module._FAQ_INDEXES) == {(conversation_id, False), (conversation_id, True)}
