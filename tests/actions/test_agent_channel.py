"""Actions answer in agent wording when the message came from the agent console."""

from __future__ import annotations

import asyncio

from rasa_sdk.executor import CollectingDispatcher

from actions.action_explain_scope import ActionExplainScope
from actions.action_triage import ActionTriage
from tests.actions.helpers import DOMAIN, entity, texts, tracker


def run_on(channel, action, intent, entities=None):
    t = tracker(intent, entities)
    t.events[-1]["input_channel"] = channel
    dispatcher = CollectingDispatcher()
    asyncio.run(action.run(dispatcher, t, DOMAIN))
    return dispatcher.messages


def test_agent_gets_ask_the_caller_wording():
    messages = run_on("agent", ActionTriage(), "request_imaging")
    assert texts(messages) == "Ask the caller what kind of images they need."
    assert len(messages[0]["buttons"]) == 4


def test_web_and_rest_keep_the_patient_wording():
    for channel in ("web", "rest", None):
        assert texts(run_on(channel, ActionTriage(), "request_imaging")) == "What kind of images?"


def test_route_answer_sends_the_department_card_first():
    messages = run_on("web", ActionTriage(), "request_records", [entity("recipient", "lawyer")])
    assert messages[0]["custom"]["type"] == "department_card"
    assert messages[0]["custom"]["department"] == "roi"
    assert not any(m.get("custom") for m in messages[1:])


def test_agent_route_answer_leaves_contacts_to_the_card():
    messages = run_on("agent", ActionTriage(), "request_records", [entity("recipient", "lawyer")])
    assert "How to reach them:" not in texts(messages)
    assert messages[0]["custom"]["contacts"]


def test_agent_fallback():
    messages = run_on("agent", ActionExplainScope(), "out_of_scope")
    assert "caller" in texts(messages)
