"""The Rasa side of a handoff: what goes into the tracker, and what the agent reads from it.

Thin on purpose; the rules are in ``handoff.core`` / ``handoff.service``.

- ``pause``: when an agent takes the conversation, ``ConversationPaused`` is
  appended (under the conversation's lock, like the SMS channel's STOP). While
  paused, Rasa still stores each message the person sends (masked by the
  channel first) but runs no action: the assistant stays silent;
- ``agent_said``: an agent's message becomes a ``BotUttered`` event marked
  ``{"handoff": {"author": "agent"}}``, so the transcript holds the whole talk;
- ``resume``: when it ends, ``ConversationResumed`` and the closing words;
- ``transcript``: the conversation as the agent sees it (the person's words as
  stored, already masked; a button press shown as the button's title);
- ``suggestion``: what the assistant would answer the person's last message,
  computed with the same conversation step (``actions.action_converse``) on a
  copy of the tracker; nothing is stored, nothing is sent.
"""

from __future__ import annotations

import importlib
from typing import Any, Dict, List, Optional, Sequence

from rasa.shared.core.events import BotUttered, ConversationPaused, ConversationResumed, Event, UserUttered

MARK = "handoff"


async def _append(agent: Any, sender: str, events: Sequence[Event]) -> None:
    async with agent.lock_store.lock(sender):
        tracker = await agent.tracker_store.get_or_create_tracker(sender, append_action_listen=False)
        for event in events:
            tracker.update(event)
        await agent.tracker_store.save(tracker)


async def pause(agent: Any, sender: str, handoff_id: str) -> None:
    await _append(agent, sender, [ConversationPaused()])


async def agent_said(agent: Any, sender: str, handoff_id: str, text: str) -> None:
    await _append(agent, sender, [BotUttered(text, metadata={MARK: {"id": handoff_id, "author": "agent"}})])


async def told(agent: Any, sender: str, handoff_id: str, text: str) -> None:
    """What the channel told the person about the queue (the step's handoff part said how to call)."""
    mark = {"id": handoff_id, "author": "assistant", "event": "queued"}  # analytics counts the wait from here
    await _append(agent, sender, [BotUttered(text, metadata={MARK: mark})])


async def resume(agent: Any, sender: str, handoff_id: str, closing: Optional[str], was_paused: bool = True) -> None:
    events: List[Event] = [ConversationResumed()] if was_paused else []
    if closing:
        events.append(
            BotUttered(closing, metadata={MARK: {"id": handoff_id, "author": "assistant", "event": "closing"}})
        )
    if events:
        await _append(agent, sender, events)


def _author(event: BotUttered) -> str:
    mark = (event.metadata or {}).get(MARK) or {}
    return "agent" if mark.get("author") == "agent" else "assistant"


def transcript(events: Sequence[Event]) -> List[Dict[str, Any]]:
    """``[{"from": "person" | "assistant" | "agent", "text", "at"}]``, oldest first."""
    lines: List[Dict[str, Any]] = []
    offered: Dict[str, str] = {}
    for event in events:
        if isinstance(event, UserUttered):
            text = event.text or ""
            if text in offered:
                text = offered[text]
            elif text.startswith("/"):
                continue  # a command such as /greet, not words
            if text:
                lines.append({"from": "person", "text": text, "at": event.timestamp})
        elif isinstance(event, BotUttered):
            buttons = (event.data or {}).get("buttons") or []
            if buttons:
                offered = {str(b.get("payload")): str(b.get("title")) for b in buttons if isinstance(b, dict)}
            if event.text:
                lines.append({"from": _author(event), "text": event.text, "at": event.timestamp})
    return lines


def last_person_text(events: Sequence[Event]) -> Optional[str]:
    for line in reversed(transcript(events)):
        if line["from"] == "person":
            return line["text"]
    return None


async def suggestion(agent: Any, tracker: Any, text: str) -> List[Dict[str, Any]]:
    """What the assistant would answer ``text`` now: the same step the assistant runs,
    on a copy of the conversation's state. Rendered for the web (plain texts)."""
    from rasa_sdk import Tracker as SdkTracker
    from rasa_sdk.executor import CollectingDispatcher

    from channels.render import for_web

    # the action server's package, loaded by name: the Rasa server does not import it otherwise
    converse = importlib.import_module("actions.action_converse")

    parsed = await agent.parse_message(text)
    state = tracker.current_state()
    state["latest_message"] = parsed
    state["paused"] = False
    dispatcher = CollectingDispatcher()
    await converse.ActionConverse().run(dispatcher, SdkTracker.from_dict(state), agent.domain.as_dict())
    return [{"text": m.get("text"), "part": m.get("part")} for m in for_web(dispatcher.messages) if m.get("text")]
