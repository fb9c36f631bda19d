"""What the custom actions share: reading facts from the tracker, sending replies.

Actions stay thin: they gather facts from the conversation, call the pure triage
engine (``triage.engine``) and send what ``triage.render`` wrote.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from triage.content import load_content
from triage.content_schema import Content
from triage.converse import REPRESENTATIVE_VALUE
from triage.engine import REQUEST_INTENTS, Facts, Route, triage
from triage.render import Renderer, Reply, to_dispatch
from triage.vocabulary import ENTITIES, facts_from_entities, generic_facts, normalize

FACT_SLOTS = ENTITIES


def content() -> Content:
    return load_content()


def renderer(tracker: Optional[Tracker] = None) -> Renderer:
    """The same renderer for every channel: each channel rewords its own parts
    (channels/render.py)."""
    language = (tracker.get_slot("language") if tracker else None) or "en"
    return Renderer(content(), language)


def latest_intent(tracker: Tracker) -> Optional[str]:
    return (tracker.latest_message.get("intent") or {}).get("name")


def slot_facts(tracker: Tracker) -> Dict[str, str]:
    found = {}
    for name in FACT_SLOTS:
        value = tracker.get_slot(name)
        canonical = normalize(content(), name, value) if value else None
        if name == "requester" and value == REPRESENTATIVE_VALUE:
            canonical = value  # the step's own value: someone acting for the patient
        if canonical:
            found[name] = canonical
    return found


def gather_facts(tracker: Tracker, request_override: Optional[str] = None) -> Tuple[Optional[str], Facts]:
    """The request type and the facts for the decision in this turn.

    A new request starts from this message's facts (only the region carries
    over); an answer to our question, or the same request said again while a
    question is open, adds to what the conversation already holds.
    """
    intent = latest_intent(tracker)
    new = _message_fact_values(tracker)
    previous_request = tracker.get_slot("request_type")
    request = request_override or REQUEST_INTENTS.get(intent)
    answering = request is None or (request == previous_request and tracker.get_slot("pending_question"))
    if answering:
        request = request or previous_request
        base = slot_facts(tracker)
    else:
        base = {k: v for k, v in slot_facts(tracker).items() if k == "region"}
    merged = {**base, **new}
    return request, Facts(request=request, **merged)


def _message_fact_values(tracker: Tracker) -> Dict[str, str]:
    found = facts_from_entities(content(), tracker.latest_message.get("entities") or [])
    return {**generic_facts(content(), tracker.latest_message.get("text") or ""), **found}


def message_facts(tracker: Tracker) -> Facts:
    """Facts named in the latest message alone."""
    return Facts(**_message_fact_values(tracker))


def fact_events(facts: Facts) -> List[Dict[str, Any]]:
    events = [SlotSet("request_type", facts.request)]
    events += [SlotSet(name, getattr(facts, name)) for name in FACT_SLOTS]
    return events


def current_route(tracker: Tracker) -> Optional[Route]:
    """The route the conversation is about (for follow-up questions), if any."""
    request = tracker.get_slot("request_type")
    if not request or not tracker.get_slot("route"):
        return None
    decision = triage(Facts(request=request, **slot_facts(tracker)), content())
    return decision if isinstance(decision, Route) else None


def send(dispatcher: CollectingDispatcher, replies: List[Reply]) -> None:
    for reply in replies:
        dispatcher.utter_message(**to_dispatch(reply))
