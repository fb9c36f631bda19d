"""What the rights actions share: which law applies, asking "which state?" once,
and finishing an open rights question when the next message answers it.

The logic lives in ``triage.rights`` / ``fees`` / ``deadlines`` / ``letter`` (no
Rasa); this module reads the tracker, calls them and returns slot events.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import content, fact_events, latest_intent, send
from triage.deadlines import due_dates, read_date
from triage.engine import Facts, Route, region_of, triage
from triage.fees import estimate, read_pages
from triage.letter import build_letter
from triage.render import Reply
from triage.render_rights import RightsRenderer
from triage.rights import (
    DEFAULT_RIGHTS_DEPARTMENT,
    FEDERAL,
    TOPIC_DEPARTMENT,
    answer,
    detect_jurisdiction,
    jurisdiction_of,
    needs_state_question,
)
from triage.vocabulary import clean, normalize

Events = List[Dict[str, Any]]

# Open rights questions (the `pending_question` slot) this module finishes.
PENDING = ("jurisdiction", "request_date", "pages")
# Intents that can carry a bare answer ("Washington", "March 3", "120"); any
# other intent is a new request, and the open question is dropped.
ANSWER_INTENTS = {None, "inform", "out_of_scope", "nlu_fallback"}
# Answers that say "I don't know" to "which state?" (then federal rules apply).
UNSURE_INTENTS = {"inform", "nlu_fallback"}
# Jurisdictions where this health system's departments do not hold the records.
OUTSIDE = ("CA", FEDERAL)
# Flows that are not a plain topic answer (values of `rights_topic`).
FLOWS = ("fee_estimate", "deadline", "overdue", "letter")


def today() -> dt.date:
    """Today's date (a function so tests can fix it)."""
    return dt.date.today()


def rights_renderer(tracker: Tracker) -> RightsRenderer:
    return RightsRenderer(content(), tracker.get_slot("language") or "en")


def text_of(tracker: Tracker) -> str:
    text = tracker.latest_message.get("text") or ""
    return "" if text.startswith("/") else text  # a button payload has no words


def jurisdiction_now(tracker: Tracker) -> Tuple[Optional[str], bool]:
    """(jurisdiction, stated): from this message, else the slot; ``stated`` is
    False when nobody said, and federal rules are used."""
    said = detect_jurisdiction(content(), text_of(tracker), tracker.latest_message.get("entities") or [])
    region = tracker.get_slot("region")
    found = said or tracker.get_slot("jurisdiction") or (jurisdiction_of(content(), region=region) if region else None)
    return found, found is not None


def said_events(tracker: Tracker) -> Events:
    """Keep a state named in this message even when we must ask something else."""
    said = detect_jurisdiction(content(), text_of(tracker), tracker.latest_message.get("entities") or [])
    return [SlotSet("jurisdiction", said)] + region_events(tracker) if said else []


def message_value(tracker: Tracker, entity: str) -> Optional[str]:
    """A canonical value for ``entity`` from this message: extracted entities,
    else the vocabulary phrases in the words."""
    for item in tracker.latest_message.get("entities") or []:
        if item.get("entity") == entity:
            value = normalize(content(), entity, item.get("value"))
            if value:
                return value
    text = clean(text_of(tracker))
    return normalize(content(), entity, text) if text and len(text) < 300 else None


def message_region(tracker: Tracker) -> Optional[str]:
    """The organization place this message names ("Spokane" -> eastern_washington)."""
    return message_value(tracker, "region")


def conversation_region(tracker: Tracker) -> str:
    """The region whose ROI this conversation is about (this message's place, else the slot's)."""
    return region_of(content(), message_region(tracker) or tracker.get_slot("region"))


def region_events(tracker: Tracker) -> Events:
    region = message_region(tracker)
    return [SlotSet("region", region)] if region else []


def context_events(tracker: Tracker, topic: str) -> Events:
    """Department and route for what the rights answer is about, so a follow-up
    ("what's their number?") gets that team's contacts."""
    department = TOPIC_DEPARTMENT.get(topic, DEFAULT_RIGHTS_DEPARTMENT)
    if jurisdiction_now(tracker)[0] in OUTSIDE and not tracker.get_slot("route"):
        # care in California or another state, with no request of ours in the
        # conversation: the law explained, no department of ours
        return [SlotSet("department", None), SlotSet("route", None), SlotSet("request_type", None)]
    if department != DEFAULT_RIGHTS_DEPARTMENT:
        return [SlotSet("department", department), SlotSet("route", None), SlotSet("request_type", None)]
    region = message_region(tracker) or tracker.get_slot("region")
    request = "record_correction" if topic == "correction" else "records"
    facts = Facts(request=request, record_kind="full_record" if request == "records" else None, region=region)
    decision = triage(facts, content())
    events = fact_events(facts)
    if isinstance(decision, Route):
        return events + [SlotSet("department", decision.department), SlotSet("route", decision.route_id)]
    return events + [SlotSet("department", department), SlotSet("route", None)]


def ask_state(dispatcher: CollectingDispatcher, tracker: Tracker, flow: str, extra: Events = ()) -> Events:
    send(dispatcher, [rights_renderer(tracker).state_question()])
    return [
        SlotSet("rights_topic", flow),
        SlotSet("pending_question", "jurisdiction"),
        SlotSet("jurisdiction_asked", True),
        *extra,
    ]


def _settled(tracker: Tracker, jurisdiction: Optional[str]) -> Events:
    events: Events = [SlotSet("pending_question", None)]
    if jurisdiction:
        events.append(SlotSet("jurisdiction", jurisdiction))
    return events + region_events(tracker)


# --- the flows --------------------------------------------------------------------
def topic(dispatcher: CollectingDispatcher, tracker: Tracker, key: str) -> Events:
    jurisdiction, stated = jurisdiction_now(tracker)
    if needs_state_question(content(), key, jurisdiction, bool(tracker.get_slot("jurisdiction_asked"))):
        if key == "deadline":  # the dates come next: ask the state first
            return context_events(tracker, key) + ask_state(dispatcher, tracker, key)
        # answer what was asked (the federal rule, which applies everywhere), then
        # offer the state's own rule
        events = finish_topic(dispatcher, tracker, key, None, False, with_next=False)
        return events + ask_state(dispatcher, tracker, key)
    return finish_topic(dispatcher, tracker, key, jurisdiction, stated)


def finish_topic(
    dispatcher, tracker, key: str, jurisdiction: Optional[str], stated: bool, with_next: bool = True
) -> Events:
    render = rights_renderer(tracker)
    events = context_events(tracker, key) + _settled(tracker, jurisdiction) + [SlotSet("rights_topic", key)]
    if key == "deadline":
        # the general rule, then offer to work out the dates
        send(
            dispatcher,
            [render.rights(answer(content(), key, jurisdiction), stated, with_next=False), render.ask("request_date")],
        )
        return events + [SlotSet("pending_question", "request_date"), SlotSet("rights_topic", "deadline")]
    send(dispatcher, [render.rights(answer(content(), key, jurisdiction), stated, with_next=with_next)])
    return events


def fee_estimate(
    dispatcher: CollectingDispatcher, tracker: Tracker, pages_text: Optional[str] = None, bare: bool = False
) -> Events:
    reading = read_pages(text_of(tracker) if pages_text is None else pages_text, bare_number=bare)
    render = rights_renderer(tracker)
    if reading.problem in ("negative", "not_a_number", "too_many"):
        key = "fee_too_many" if reading.problem == "too_many" else "fee_bad_pages"
        send(dispatcher, [Reply(render.phrase(key))])
        return said_events(tracker) + [SlotSet("pending_question", "pages"), SlotSet("rights_topic", "fee_estimate")]
    pages = reading.pages
    if pages is None and tracker.get_slot("rights_topic") == "fee_estimate" and tracker.get_slot("page_count"):
        pages = int(tracker.get_slot("page_count"))
    if pages is None:
        if tracker.get_slot("rights_topic") == "fees" or not text_of(tracker):
            # the fee rules were just given (or a button asked): now the estimate
            send(dispatcher, [render.ask("pages")])
            return [SlotSet("pending_question", "pages"), SlotSet("rights_topic", "fee_estimate")]
        return topic(dispatcher, tracker, "fees")
    jurisdiction, stated = jurisdiction_now(tracker)
    keep = [SlotSet("page_count", str(pages))]
    if jurisdiction is None and not tracker.get_slot("jurisdiction_asked"):
        return context_events(tracker, "fees") + ask_state(dispatcher, tracker, "fee_estimate", keep)
    return finish_fee(dispatcher, tracker, pages, jurisdiction, stated) + keep


def finish_fee(dispatcher, tracker, pages: int, jurisdiction: Optional[str], stated: bool) -> Events:
    result = estimate(
        content(),
        pages,
        jurisdiction,
        copy_format=message_value(tracker, "copy_format"),
        recipient=message_value(tracker, "recipient") or tracker.get_slot("recipient"),
        purpose=message_value(tracker, "copy_purpose"),
        leave_program=message_value(tracker, "leave_program"),
    )
    send(dispatcher, [rights_renderer(tracker).fee_estimate(result, stated)])
    return context_events(tracker, "fees") + _settled(tracker, jurisdiction) + [SlotSet("rights_topic", "fee_estimate")]


def deadline(dispatcher: CollectingDispatcher, tracker: Tracker, flow: str = "deadline", bare: bool = False) -> Events:
    """Dates for a request (``flow`` deadline or overdue)."""
    reading = read_date(text_of(tracker), today(), whole_text_is_date=bare)
    render = rights_renderer(tracker)
    if reading.problem in ("future", "unreadable"):
        key = "dates_future" if reading.problem == "future" else "dates_bad"
        send(dispatcher, [Reply(render.phrase(key))])
        return said_events(tracker) + [SlotSet("pending_question", "request_date"), SlotSet("rights_topic", flow)]
    day = reading.day
    if day is None and tracker.get_slot("request_date") and tracker.get_slot("rights_topic") == flow:
        day = dt.date.fromisoformat(tracker.get_slot("request_date"))
    jurisdiction, stated = jurisdiction_now(tracker)
    keep = [SlotSet("request_date", day.isoformat())] if day else []
    if jurisdiction is None and not tracker.get_slot("jurisdiction_asked"):
        return context_events(tracker, "deadline") + ask_state(dispatcher, tracker, flow, keep)
    return finish_deadline(dispatcher, tracker, flow, day, jurisdiction, stated) + keep


def finish_deadline(
    dispatcher, tracker, flow: str, day: Optional[dt.date], jurisdiction: Optional[str], stated: bool
) -> Events:
    render = rights_renderer(tracker)
    events = context_events(tracker, "deadline") + _settled(tracker, jurisdiction) + [SlotSet("rights_topic", flow)]
    if day is None:
        if flow == "deadline":
            return finish_topic(dispatcher, tracker, "deadline", jurisdiction, stated)
        send(
            dispatcher,
            [
                render.rights(answer(content(), "deadline", jurisdiction), stated, with_next=False),
                render.ask("request_date"),
            ],
        )
        return events + [SlotSet("pending_question", "request_date")]
    dates = due_dates(content(), day, jurisdiction, today())
    if flow == "overdue":
        send(dispatcher, render.overdue_status(jurisdiction, day, dates, stated))
    else:
        send(dispatcher, [render.due_dates(day, dates, stated)])
    return events


def overdue(dispatcher: CollectingDispatcher, tracker: Tracker) -> Events:
    send(dispatcher, [rights_renderer(tracker).overdue_steps(conversation_region(tracker))])
    return deadline(dispatcher, tracker, flow="overdue")


def letter(dispatcher: CollectingDispatcher, tracker: Tracker) -> Events:
    jurisdiction, stated = jurisdiction_now(tracker)
    if jurisdiction is None and not tracker.get_slot("jurisdiction_asked"):
        return context_events(tracker, "letter") + ask_state(dispatcher, tracker, "letter")
    return finish_letter(dispatcher, tracker, jurisdiction)


def finish_letter(dispatcher, tracker, jurisdiction: Optional[str]) -> Events:
    render = rights_renderer(tracker)
    draft = build_letter(
        content(),
        render.fill,
        jurisdiction,
        record_kind=message_value(tracker, "record_kind") or tracker.get_slot("record_kind"),
        imaging_kind=message_value(tracker, "imaging_kind") or tracker.get_slot("imaging_kind"),
        copy_format=message_value(tracker, "copy_format"),
        language=render.language,
        region=conversation_region(tracker),
    )
    send(dispatcher, [render.letter(draft)])
    return context_events(tracker, "letter") + _settled(tracker, jurisdiction) + [SlotSet("rights_topic", "letter")]


# --- an answer to an open rights question ------------------------------------------
def continue_pending(dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[Events]:
    """Finish the open rights question when this message answers it; ``None``
    when it does not (the caller handles the message as usual)."""
    pending = tracker.get_slot("pending_question")
    flow = tracker.get_slot("rights_topic")
    intent = latest_intent(tracker)
    if pending not in PENDING or not flow or intent not in ANSWER_INTENTS:
        return None
    if pending == "jurisdiction":
        jurisdiction = detect_jurisdiction(content(), text_of(tracker), tracker.latest_message.get("entities") or [])
        if jurisdiction is None and intent not in UNSURE_INTENTS:
            return None
        stated = jurisdiction is not None
        if flow == "fee_estimate" and tracker.get_slot("page_count"):
            return finish_fee(dispatcher, tracker, int(tracker.get_slot("page_count")), jurisdiction, stated)
        if flow in ("deadline", "overdue"):
            day = tracker.get_slot("request_date")
            return finish_deadline(
                dispatcher, tracker, flow, dt.date.fromisoformat(day) if day else None, jurisdiction, stated
            )
        if flow == "letter":
            return finish_letter(dispatcher, tracker, jurisdiction)
        if flow in content().rights.topics:
            return finish_topic(dispatcher, tracker, flow, jurisdiction, stated)
        return None
    if pending == "request_date" and flow in ("deadline", "overdue"):
        if intent == "out_of_scope" and read_date(text_of(tracker), today()).day is None:
            return None
        return deadline(dispatcher, tracker, flow, bare=True)
    if pending == "pages" and flow == "fee_estimate":
        if intent == "out_of_scope" and read_pages(text_of(tracker), bare_number=True).pages is None:
            return None
        return fee_estimate(dispatcher, tracker, bare=True)
    return None
