"""action_converse: every message goes through the conversation step.

Thin: read the state from the slots, call ``triage.converse.step``, write slots
and messages. When the step leaves a message to the handler of its intent (rights,
fees, deadlines, the letter, handoff, small talk, a button press), that handler
answers as before.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.action_answer_followup import ActionAnswerFollowup
from actions.action_compute_deadline import ActionComputeDeadline
from actions.action_estimate_fee import ActionEstimateFee
from actions.action_explain_rights import ActionExplainRights
from actions.action_explain_scope import ActionExplainScope
from actions.action_follow_up_overdue import ActionFollowUpOverdue
from actions.action_handoff import ActionHandoff
from actions.action_offer_records_letter import ActionOfferRecordsLetter
from actions.action_triage import ActionTriage
from actions.common import content, latest_intent, renderer, send, slot_facts
from triage import safety_model
from triage.conversation_content import load_conversation
from triage.converse import Outcome, Said, State, step
from triage.engine import REQUEST_INTENTS
from triage.language import warm
from triage.rights import RIGHTS_INTENTS
from triage.vocabulary import facts_from_entities

WARM_UP = ("hi, my lawyer needs my records", "hola, necesito mis records")


def warm_up() -> None:
    """Do when the action server starts what a first message would otherwise wait
    for: the language detector's models, the safety model (about 2 s), the content
    and conversation files, the FAQ index and the word patterns (about 1.5 s; under
    load the first person got the "too slow" contacts text). Two made-up messages
    go through the step in memory; nothing is stored or logged."""
    warm()
    safety_model.model()
    for text in WARM_UP:
        step(content(), load_conversation(), renderer(), State(), Said(text=text, intent=None, confidence=0.0))


warm_up()

RESPONSES = {  # small talk: the domain's response and the reply part it is (triage.render.PARTS)
    "greet": ("utter_greet", "greeting"),
    "goodbye": ("utter_goodbye", "text"),
    "thank": ("utter_you_are_welcome", "text"),
    "affirm": ("utter_what_else", "text"),
    "deny": ("utter_anything_else", "anything_else"),
}
FOLLOWUP_INTENTS = ("ask_contact", "ask_hours", "ask_cost", "ask_time_frame", "ask_what_to_include")


@lru_cache(maxsize=1)
def domain_file() -> Dict[str, Any]:
    """domain.yml as written: Rasa sends no domain to our actions (endpoints.yml,
    enable_selective_domain), and only the responses are read from it."""
    with open(Path(__file__).resolve().parents[1] / "domain.yml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def response_in(domain: Dict[Text, Any], name: str, language: str) -> Optional[Dict[str, Any]]:
    """The variation of a domain response for ``language``: the one whose only
    condition is that language, else the one with no condition."""
    variations = (domain.get("responses") or {}).get(name) or []
    plain = None
    for variation in variations:
        conditions = variation.get("condition") or []
        if not conditions:
            plain = plain or variation
        elif all(c.get("name") == "language" and c.get("value") == language for c in conditions):
            return variation
    return plain


def handler_for(intent: str):
    """The handler that answered this intent before the conversation step existed."""
    if intent in REQUEST_INTENTS or intent == "inform":
        return ActionTriage()
    if intent in FOLLOWUP_INTENTS:
        return ActionAnswerFollowup()
    if intent == "ask_for_human":
        return ActionHandoff()
    if intent == "ask_records_fees":
        return ActionEstimateFee()
    if intent == "ask_records_deadline":
        return ActionComputeDeadline()
    if intent == "report_overdue_request":
        return ActionFollowUpOverdue()
    if intent == "request_records_letter":
        return ActionOfferRecordsLetter()
    if intent in RIGHTS_INTENTS:
        return ActionExplainRights()
    return ActionExplainScope()


def state_of(tracker: Tracker) -> State:
    return State.from_slots(tracker.get_slot, facts=slot_facts(tracker))


def said_in(tracker: Tracker) -> Said:
    message = tracker.latest_message or {}
    intent = message.get("intent") or {}
    return Said(
        text=message.get("text") or "",
        intent=intent.get("name"),
        confidence=float(intent.get("confidence") or 0.0),
        facts=facts_from_entities(content(), message.get("entities") or []),
    )


class ActionConverse(Action):
    def name(self) -> Text:
        return "action_converse"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        before = tracker.get_slot("language") or "en"  # what Rasa fills responses with
        outcome = step(content(), load_conversation(), renderer(tracker), state_of(tracker), said_in(tracker))
        events = [SlotSet(name, value) for name, value in outcome.slots.items()]
        if "language" in outcome.slots:  # a handler answering below answers in it too
            tracker.slots["language"] = outcome.slots["language"]
        events += await self._answer(dispatcher, tracker, domain, outcome, before)
        # each message says its language, so a channel words its own parts in it
        # (SMS "reply MORE", the widget's labels; channels/render.py)
        language = tracker.get_slot("language") or "en"
        for message in dispatcher.messages:
            message.setdefault("language", language)
        return events

    async def _answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any], outcome: Outcome, before: str
    ) -> List[Dict[Text, Any]]:
        """Send the step's replies, or let the handler it names answer; its events."""
        if outcome.delegate is None:
            send(dispatcher, outcome.replies)
            return []
        intent = outcome.delegate or latest_intent(tracker) or "nlu_fallback"
        if intent in RESPONSES:
            response, part = RESPONSES[intent]
            language = tracker.get_slot("language") or "en"
            variation = response_in(domain_file(), response, language)
            if language != before and variation is not None:
                # Rasa fills a response with the slots as they were before this
                # action's events, so a language set by this very message ("hola")
                # would pick the English variation: send the variation itself
                dispatcher.utter_message(text=variation.get("text"), buttons=variation.get("buttons") or [], part=part)
            else:
                dispatcher.utter_message(response=response, part=part)
            return []
        return await handler_for(intent).run(dispatcher, tracker, domain)
