"""Build rasa_sdk trackers from plain data and run an action on them.

A turn is (intent, entities); slots are the conversation's slots before the turn.
The helper applies the events an action returns, so tests can chain turns the
way Rasa would.
"""

from __future__ import annotations

import asyncio
from typing import Dict, List, Optional, Tuple

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

DOMAIN: Dict = {}


def entity(name: str, value: str) -> Dict:
    return {"entity": name, "value": value, "extractor": "test"}


def tracker(
    intent: str,
    entities: Optional[List[Dict]] = None,
    slots: Optional[Dict] = None,
    text: str = "",
    channel: Optional[str] = None,
) -> Tracker:
    latest = {
        "intent": {"name": intent, "confidence": 0.99},
        "entities": entities or [],
        "text": text or f"/{intent}",
    }
    return Tracker(
        sender_id="test",
        slots=dict(slots or {}),
        latest_message=latest,
        events=[{"event": "user", "text": latest["text"], "parse_data": latest, "input_channel": channel}],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def run(
    action,
    intent: str,
    entities: Optional[List[Dict]] = None,
    slots: Optional[Dict] = None,
    text: str = "",
    channel: Optional[str] = None,
) -> Tuple[List[Dict], List[Dict], Dict]:
    """Run ``action`` for one turn: (messages sent, events returned, slots after).
    ``text`` is what the person typed (a button payload when empty)."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker(intent, entities, slots, text, channel), DOMAIN))
    after = dict(slots or {})
    for event in events:
        if event.get("event") == "slot":
            after[event["name"]] = event["value"]
    return dispatcher.messages, events, after


def texts(messages: List[Dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)
