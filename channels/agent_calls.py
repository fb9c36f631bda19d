"""What the agent console shows about a call besides the live turn: the call
rebuilt from the tracker (after a reload), and the numbers to transfer to.

Pure functions of the tracker's events and the content files: the channel
(``channels/agent.py``) reads the tracker server-side, so the browser never
needs Rasa's API token.

- :func:`call_turns`: the call's turns as the console saw them, each the caller's
  words (user texts are masked before Rasa stores them; a button's payload becomes
  the button's title) and the bot messages rendered with ``for_agent``;
- :func:`directory`: for each department and region, the numbers to dial to
  transfer a caller, from ``content/organization.yml`` (never typed in code or JS);
- :func:`transfer_for`: the directory entry for the call's department and region.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence

from rasa.shared.core.events import BotUttered, UserUttered

from triage.content_schema import Content
from triage.engine import default_region

Message = Dict[str, Any]
BOT_KEYS = ("text", "buttons", "custom", "part", "part_data", "language")  # language: render a reload in the call's
TRANSFER_KINDS = ("phone",)  # what an agent can dial
FALLBACK_CONTACT = "main_phone"  # when a department has no number to dial (e.g. the portal)


def _bot_message(event: BotUttered) -> Message:
    message = event.message()
    return {key: message[key] for key in BOT_KEYS if message.get(key) is not None}


def _caller_words(text: Optional[str], offered: Dict[str, str]) -> Optional[str]:
    """What the history shows for the caller: a button's title, typed text, or None for a command ("/greet")."""
    if not text:
        return None
    if text in offered:
        return offered[text]
    return None if text.startswith("/") else text


def call_turns(events: Iterable[Any], render: Callable[[Sequence[Message]], List[Message]]) -> List[Dict[str, Any]]:
    """The call's turns, oldest first: ``{"caller": words or None, "messages": [rendered for the agent]}``."""
    turns: List[Dict[str, Any]] = []
    raw: List[List[Message]] = []
    offered: Dict[str, str] = {}
    for event in events:
        if isinstance(event, UserUttered):
            turns.append({"caller": _caller_words(event.text, offered), "messages": []})
            raw.append([])
        elif isinstance(event, BotUttered):
            if not turns:  # a message before the first user text
                turns.append({"caller": None, "messages": []})
                raw.append([])
            message = _bot_message(event)
            raw[-1].append(message)
            if message.get("buttons"):
                offered = {}
            for button in message.get("buttons") or []:
                if isinstance(button, dict) and button.get("payload"):
                    offered[str(button["payload"])] = str(button.get("title") or button["payload"])
    for turn, messages in zip(turns, raw):
        turn["messages"] = render(messages) if messages else []
    return [turn for turn in turns if turn["messages"] or turn["caller"]]


def _region_of(content: Content, place: Optional[str]) -> str:
    known = content.places.get(place or "")
    return known.region if known is not None and known.region else default_region(content)


def _contact_ids(content: Content, department: str, region: str) -> List[str]:
    """The department's contacts in ``region``, as the engine picks them (another region's ROI when we have none)."""
    dept = content.departments[department]
    home = default_region(content)
    if region == home or dept.same_in_all_regions:
        return list(dept.contacts[home])
    if region in dept.contacts:
        return list(dept.contacts[region])
    return list(content.departments["roi"].contacts[region])


def _contact(content: Content, contact_id: str, language: str) -> Dict[str, Any]:
    contact = content.contacts[contact_id]
    return {
        "id": contact_id,
        "kind": contact.kind,
        "label": contact.label.get(language),
        "value": contact.value,
        "hours": content.hours[contact.hours].text.get(language) if contact.hours else None,
    }


def transfer_entry(content: Content, department: str, region: str, language: str = "en") -> Dict[str, Any]:
    """Where to transfer a caller for ``department`` in ``region``: the numbers to dial and the other contacts."""
    ids = _contact_ids(content, department, region)
    numbers = [_contact(content, c, language) for c in ids if content.contacts[c].kind in TRANSFER_KINDS]
    fallback = not numbers
    if fallback:
        numbers = [_contact(content, FALLBACK_CONTACT, language)]
    return {
        "department": department,
        "name": content.departments[department].name.get(language),
        "region": region,
        "region_name": content.regions[region].name.get(language),
        "numbers": numbers,
        "main_number": fallback,  # no number of its own: the main number
        "other": [_contact(content, c, language) for c in ids if content.contacts[c].kind not in TRANSFER_KINDS],
    }


def directory(content: Content, language: str = "en") -> List[Dict[str, Any]]:
    """Every department in every region where its contacts differ, home region first."""
    entries: List[Dict[str, Any]] = []
    home = default_region(content)
    regions = [home] + [r for r in content.regions if r != home]
    for department, dept in content.departments.items():
        seen: List[List[str]] = []
        for region in regions:
            if dept.same_in_all_regions and region != home:
                continue
            ids = _contact_ids(content, department, region)
            if ids in seen:
                continue
            seen.append(ids)
            entries.append(transfer_entry(content, department, region, language))
    return entries


def transfer_for(
    content: Content, department: Optional[str], place: Optional[str], language: str = "en"
) -> Optional[Dict[str, Any]]:
    """The transfer entry for the call's department (slot) in the caller's region (slot), or None."""
    if not department or department not in content.departments:
        return None
    return transfer_entry(content, department, _region_of(content, place), language)
