"""How each channel shows a turn's reply parts: the one place per channel.

The conversation step and the actions send channel-neutral parts (``triage.render
.PARTS``): each bot message carries its text, its buttons, its card or letter as
``custom``, and the part's kind (``part``) and data (``part_data``, e.g. the
question's slot). Every input channel of ours collects the messages whole
(:class:`WholeMessages`) and renders them here:

- ``for_rest``: text, buttons, ``custom`` and the part's kind, one message per part;
- ``for_web``: at most two bubbles for a route's answer: the department card
  (from ``custom``, with its contacts, so the contacts part is dropped) and one
  bubble of what to do (steps, what to include, time and cost merged); a letter
  is shown from ``custom`` and its text only introduces it;
- ``for_agent``: questions, the fallback, hello and "anything else?" in the words
  an agent says to a caller (content/agent.yml); the checklist and the contacts are
  left to the card the console shows; a letter becomes what to read out;
- ``for_sms``: text only, numbered choices; a first message of one segment with
  the department and how to reach it, the rest as pages sent on "MORE"; a letter
  as what to write; hello says how to get help and stop texts
  (``channels.sms_text.shape`` packs the texts).

A safety part (911 / 988) is never reworded or dropped, and stays first.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Text

from rasa.core.channels.channel import CollectingOutputChannel

from channels.sms_text import Paging, Shaped, part_of, plain, shape
from triage.content import load_agent_wording, load_content, load_sms_texts
from triage.render import Renderer
from triage.render_rights import RightsRenderer

Message = Dict[str, Any]


class WholeMessages(CollectingOutputChannel):
    """Collects a turn's bot messages, each whole: text, buttons and its part together
    (Rasa's own collector would split the ``custom`` payload into a message of its own)."""

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        kept = {key: value for key, value in message.items() if value is not None}
        kept["recipient_id"] = recipient_id
        self.messages.append(kept)


def _part_data(message: Message) -> Dict[str, Any]:
    data = message.get("part_data")
    return data if isinstance(data, dict) else {}


def _safety_first(messages: Sequence[Message]) -> List[Message]:
    safety = [m for m in messages if part_of(m) == "safety"]
    return safety + [m for m in messages if part_of(m) != "safety"]


def _with_text(message: Message, text: str) -> Message:
    return {**message, "text": text}


def _letter_words(message: Message, kind: str, language: str) -> str:
    card = message.get("custom") or {}
    laws, region = str(card.get("laws") or ""), card.get("region")
    return RightsRenderer(load_content(), language).letter_words(
        kind, laws, region if isinstance(region, str) else None
    )


REST_KEYS = ("recipient_id", "text", "buttons", "image", "attachment", "custom", "part", "language")


def language_of(messages: Sequence[Message], language: Optional[str] = None) -> str:
    """The language to render a turn in: the one asked for, else the one the
    assistant answered in (action_converse marks every message), else English."""
    if language:
        return language
    for message in messages:
        if message.get("language") in ("en", "es"):
            return str(message["language"])
    return "en"


def for_rest(messages: Sequence[Message]) -> List[Message]:
    """REST clients get each part whole: its text, buttons, card and kind."""
    return [{key: m[key] for key in REST_KEYS if m.get(key)} for m in _safety_first(messages)]


# The parts of a route's answer that the widget shows together as one bubble,
# "what to do": the steps, what to include, how long and how much.
WEB_WHAT_TO_DO = ("steps", "checklist", "time_cost")


def for_web(messages: Sequence[Message], language: Optional[str] = None) -> List[Message]:
    """The web widget. Four or five bubbles for one answer were too many to read
    on a phone, and the contacts came twice (in the card and as text), so:

    - the contacts part is dropped when a department card of the turn shows them;
    - steps, what to include, time and cost that follow each other become one
      message (part ``steps``, the texts one after the other, their kinds in
      ``merged``), unless one of them has buttons;
    - a letter's card is shown as a fillable letter, so its text only introduces it;
    - safety (911 / 988) stays first and is never merged into anything.
    """
    language = language_of(messages, language)
    shown: List[Message] = []
    card_has_contacts = any(
        part_of(m) == "department_card" and (m.get("custom") or {}).get("contacts") for m in messages
    )
    for message in _safety_first(messages):
        kind = part_of(message)
        if kind == "contacts" and card_has_contacts:
            continue  # the card shows them, with their hours
        if kind == "letter":
            message = _with_text(message, _letter_words(message, "offer", language))
        previous = shown[-1] if shown else None
        if (
            kind in WEB_WHAT_TO_DO
            and previous is not None
            and part_of(previous) in WEB_WHAT_TO_DO
            and not previous.get("buttons")
            and not message.get("buttons")
        ):
            texts = [t for t in (previous.get("text"), message.get("text")) if t]
            merged = previous.get("merged") or [part_of(previous)]
            shown[-1] = {**previous, "text": "\n".join(texts), "part": "steps", "merged": merged + [kind]}
            continue
        shown.append(message)
    return shown


def for_agent(messages: Sequence[Message], language: Optional[str] = None) -> List[Message]:
    """The agent console: what to ask and say to the caller."""
    language = language_of(messages, language)
    wording = load_agent_wording()
    render = Renderer(load_content(), language)
    has_card = any(part_of(m) == "department_card" for m in messages)
    shown = []
    for message in _safety_first(messages):
        kind = part_of(message)
        if kind in ("checklist", "contacts") and has_card:
            continue  # the console shows them from the card
        question = _part_data(message).get("question")
        if kind == "choices" and question in wording.questions:
            message = _with_text(message, render.fill(wording.questions[question]))
        elif kind == "fallback":
            message = _with_text(message, render.fill(wording.fallback))
        elif kind in ("greeting", "anything_else"):
            message = _with_text(message, render.fill(getattr(wording, kind)))
        elif kind == "letter":
            message = _with_text(message, _letter_words(message, "readout", language))
        shown.append(message)
    return shown


def sms_paging(language: str = "en") -> Paging:
    """The MORE flow's words (content/sms.yml) for ``shape``."""
    texts = load_sms_texts()
    render = Renderer(load_content(), language)
    # in GSM-7 like every other SMS text: "Responda MAS para ver mas"
    return Paging(
        contact=plain(texts.contact.get(language)),
        contact_hours=plain(texts.contact_hours.get(language)),
        contact_short={kind: plain(text.get(language)) for kind, text in texts.contact_short.items()},
        more={kind: plain(render.fill(text)) for kind, text in texts.more.items()},
    )


def for_sms(messages: Sequence[Message], language: Optional[str] = None, max_messages: Optional[int] = None) -> Shaped:
    """SMS: plain text messages. A route answer starts with one segment naming the
    department and how to reach it (``Shaped.messages``); the rest waits for "MORE"
    (``Shaped.more``). With ``max_messages``, the whole answer in that many messages
    instead (no MORE)."""
    language = language_of(messages, language)
    texts = load_sms_texts()
    render = Renderer(load_content(), language)
    shown = []
    for message in _safety_first(messages):
        kind = part_of(message)
        if kind == "letter":
            message = {"text": _letter_words(message, "short", language), "part": "letter"}
        elif kind == "greeting":
            message = _with_text(message, f"{message.get('text') or ''} {render.fill(texts.greeting_hint)}".strip())
        elif kind == "department_card" and isinstance(message.get("custom"), dict):
            card = message["custom"]
            heading = render.heading("department", department=card["department"]) if card.get("department") else ""
            message = {**message, "custom": {**card, "sms_heading": heading}}
        shown.append(message)
    if max_messages is not None:
        return shape(shown, texts.choice.get(language), max_messages=max_messages)
    return shape(shown, texts.choice.get(language), paging=sms_paging(language))
