"""Actions send the same reply parts on every channel; each channel rewords its own
(channels/render.py, tested in tests/channels/test_render.py)."""

from __future__ import annotations

import asyncio

from rasa_sdk.executor import CollectingDispatcher

from actions.action_explain_scope import ActionExplainScope
from actions.action_triage import ActionTriage
from channels.render import for_agent
from tests.actions.helpers import DOMAIN, entity, texts, tracker


def run_on(channel, action, intent, entities=None):
    t = tracker(intent, entities)
    t.events[-1]["input_channel"] = channel
    dispatcher = CollectingDispatcher()
    asyncio.run(action.run(dispatcher, t, DOMAIN))
    return dispatcher.messages


def test_the_same_parts_whatever_the_channel():
    for action, intent, entities in (
        (ActionTriage(), "request_imaging", None),
        (ActionTriage(), "request_records", [entity("recipient", "lawyer")]),
        (ActionExplainScope(), "out_of_scope", None),
    ):
        sent = [run_on(channel, action, intent, entities) for channel in ("agent", "web", "sms", "rest", None)]
        assert all(s == sent[0] for s in sent), intent


def test_a_question_names_its_slot_so_the_console_can_ask_the_caller():
    messages = run_on("agent", ActionTriage(), "request_imaging")
    assert texts(messages) == "What kind of images?"
    assert messages[0]["part"] == "choices" and messages[0]["part_data"] == {"question": "imaging_kind"}
    assert texts(for_agent(messages)).startswith("What kind of images do you need:")
    assert len(messages[0]["buttons"]) == 4


def test_route_answer_sends_the_department_card_first():
    messages = run_on("web", ActionTriage(), "request_records", [entity("recipient", "lawyer")])
    assert messages[0]["part"] == "department_card"
    assert messages[0]["custom"]["type"] == "department_card"
    assert messages[0]["custom"]["department"] == "roi"
    assert not any(m.get("custom") for m in messages[1:])
    assert "How to reach them:" not in texts(for_agent(messages))


def test_agent_fallback():
    messages = run_on("agent", ActionExplainScope(), "out_of_scope")
    assert messages[0]["part"] == "fallback" and "we don't handle that here" in texts(for_agent(messages))
