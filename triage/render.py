"""Turn a triage decision into the messages a person reads.

Channel-neutral: each :class:`Reply` is one *part* of an answer (see ``PARTS``):
plain text (no markdown, so it also reads well by SMS), optional buttons, the
part's kind and its data (a department card, a question's slot, a letter). Nothing here knows about channels: each channel renders the parts in
one place of its own (``channels/render.py``). All words come from the content
files.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from triage.content_schema import PLACEHOLDER, Content, Option, Text
from triage.engine import Question, Route

FOLLOWUP_TOPICS = ("contact", "hours", "cost", "time", "include")

# {department} when the route has none (an information-only route), by language.
THAT_TEAM = {"en": "That team", "es": "ese equipo"}  # Spanish texts use it mid-sentence


@dataclass
class Button:
    title: str
    payload: str


# The kinds of reply parts. A channel may show, reword, reorder or drop a part
# by its kind; the default is its text and buttons.
PARTS = (
    "text",  # an answer in words
    "department_card",  # the route's first part: department, summary; data = the card
    "steps",  # numbered steps of a route
    "checklist",  # what to include
    "contacts",  # how to reach the department
    "time_cost",  # how long and how much
    "choices",  # a question with options; data: {"question": slot}
    "fallback",  # not something we handle; the topic choices
    "handoff",  # how to reach a person
    "safety",  # 911 / 988 and crisis lines: always first, never dropped
    "pointer",  # a neighbour's pointer (appointments, bills...)
    "letter",  # a records-request letter; data = the letter (blanks, laws)
    "greeting",  # hello, with the topic choices
    "anything_else",  # "anything else?"
)


@dataclass
class Reply:
    text: str
    buttons: List[Button] = field(default_factory=list)
    card: Optional[dict] = None  # structured data of the part (department card, letter)
    part: str = "text"
    data: Dict[str, str] = field(default_factory=dict)  # small facts about the part (a question's slot)

    def __post_init__(self) -> None:
        if self.part not in PARTS:
            raise ValueError(f"unknown reply part {self.part!r}")


class Renderer:
    def __init__(self, content: Content, language: str = "en") -> None:
        self.content = content
        self.language = language

    # -- text helpers ---------------------------------------------------
    def fill(
        self,
        text: Text,
        department: Optional[str] = None,
        tables: Optional[Dict[str, Dict[str, str]]] = None,
        **runtime: str,
    ) -> str:
        """The text in this language with its placeholders filled. ``runtime``
        gives values known only at answer time ({state}, {pages}, {date}...);
        ``tables`` gives a file's own kinds ({number.x} in conversation.yml)."""
        raw = text.get(self.language)
        content = self.content

        def sub(match: re.Match) -> str:
            kind, ref = match.group(1), match.group(2)
            if not ref and kind in runtime:
                return str(runtime[kind])
            if ref and tables and kind in tables:
                return tables[kind][ref]
            if kind == "contact":
                return content.contacts[ref].value
            if kind == "value":
                return content.values[ref].text.get(self.language)
            if kind == "hours":
                return content.hours[ref].text.get(self.language)
            if kind == "portal":
                return content.organization.portal_name.get(self.language)
            if kind == "department":
                return self.department_name(department) if department else THAT_TEAM.get(self.language, THAT_TEAM["en"])
            raise KeyError(match.group(0))

        return PLACEHOLDER.sub(sub, raw)

    def heading(self, key: str, **kwargs) -> str:
        return self.fill(self.content.messages.headings[key], **kwargs)

    def department_name(self, department: str) -> str:
        return self.content.departments[department].name.get(self.language)

    def contact_line(self, contact_id: str) -> str:
        contact = self.content.contacts[contact_id]
        line = f"{contact.label.get(self.language)}: {contact.value}"
        if contact.hours:
            line += f" ({self.content.hours[contact.hours].text.get(self.language)})"
        return line

    def _hours_text(self, hours_id: Optional[str]) -> Optional[str]:
        return self.content.hours[hours_id].text.get(self.language) if hours_id else None

    def card(self, route: Route) -> dict:
        """Structured summary for rich channels (department card, agent checklist)."""
        contacts = [
            {
                "kind": self.content.contacts[c].kind,
                "label": self.content.contacts[c].label.get(self.language),
                "value": self.content.contacts[c].value,
                "hours": self._hours_text(self.content.contacts[c].hours),
            }
            for c in route.contacts
        ]
        return {
            "type": "department_card",
            "route": route.route_id,
            "department": route.department,
            "department_name": self.department_name(route.department) if route.department else None,
            "region": route.region,
            "title": self.fill(route.spec.title, route.department),
            "steps": [self.fill(s, route.department) for s in route.steps],
            "include": [self.fill(i, route.department) for i in route.spec.include],
            "contacts": contacts,
        }

    # -- answers --------------------------------------------------------
    def route(self, route: Route) -> List[Reply]:
        dept = route.department
        spec = route.spec
        first = self.fill(spec.summary, dept)
        if dept:
            first = f"{self.heading('department', department=dept)} {first}"
        replies = [Reply(first, card=self.card(route), part="department_card")]
        steps = [self.fill(s, dept) for s in route.steps]
        notes = [self.fill(n, dept) for n in spec.notes]
        replies.append(
            Reply(
                "\n".join([self.heading("steps")] + [f"{i}. {s}" for i, s in enumerate(steps, 1)] + notes),
                part="steps",
            )
        )
        if spec.include:
            replies.append(Reply(self.include_text(route), part="checklist"))
        if route.contacts:
            replies.append(Reply(self.contacts_text(route), part="contacts"))
        time_cost = self.time_cost_text(route)
        if time_cost:
            replies.append(Reply(time_cost, part="time_cost"))
        return replies

    def include_text(self, route: Route) -> str:
        items = [self.fill(i, route.department) for i in route.spec.include]
        return "\n".join([self.heading("include")] + [f"- {i}" for i in items])

    def contacts_text(self, route: Route) -> str:
        return "\n".join([self.heading("contacts")] + [f"- {self.contact_line(c)}" for c in route.contacts])

    def time_cost_text(self, route: Route) -> str:
        if route.regional:
            return ""  # another region's ROI sets its own times and fees
        lines = []
        if route.spec.time:
            lines.append(f"{self.heading('time')} {self.fill(route.spec.time, route.department)}")
        if route.spec.cost:
            lines.append(f"{self.heading('cost')} {self.fill(route.spec.cost, route.department)}")
        return "\n".join(lines)

    def question(self, question: Question, intent: str = "inform") -> Reply:
        """The question with one button per option. ``intent`` is the payload's
        intent: ``inform`` answers the open request; a request intent starts that
        request with the chosen fact (used for a second request in one message)."""
        spec = self.content.messages.questions[question.slot]
        return Reply(
            self.fill(spec.text),
            self.option_buttons(spec.options, intent),
            part="choices",
            data={"question": question.slot},
        )

    def option_buttons(self, options: List[Option], intent: str = "inform") -> List[Button]:
        """A button per option; its payload names ``intent`` with the option's facts."""
        return [
            Button(option.label.get(self.language), f"/{intent}{json.dumps(option.facts, separators=(',', ':'))}")
            for option in options
        ]

    def followup(self, topic: str, route: Optional[Route]) -> Reply:
        """Answer "what's their number / how long / how much / what to include / hours"."""
        messages = self.content.messages
        if route is None:
            return Reply(self.fill(messages.followup["no_topic"]), self.topic_buttons())
        dept = route.department
        if topic == "contact":
            return Reply(self.contacts_text(route), part="contacts")
        if topic == "include":
            if route.spec.include:
                return Reply(self.include_text(route), part="checklist")
            return Reply(self.fill(messages.followup["no_include"], dept))
        if topic in ("time", "cost") and route.regional:
            # Kaiser Permanente Washington lists no time or price: Washington's law sets them
            law = self.content.rights.topics["deadline" if topic == "time" else "fees"].answers["WA"]
            name = self.content.rights.jurisdictions["WA"].name.get(self.language)
            unlisted = self.fill(messages.followup["no_time" if topic == "time" else "no_cost"], dept)
            lines = [unlisted, f"{name}: {self.fill(law.text)}"]
            if topic == "cost":  # and when the copy is free (a paid-leave claim, a disability appeal)
                lines.append(self.fill(self.content.rights.topics["free_copies"].answers["WA"].text))
            return Reply("\n".join([*lines, *self._phones(route)]))
        if topic == "time":
            if route.spec.time:
                return Reply(f"{self.heading('time')} {self.fill(route.spec.time, dept)}")
            return Reply(self.fill(messages.followup["no_time"], dept))
        if topic == "cost":
            if route.spec.cost:
                return Reply(f"{self.heading('cost')} {self.fill(route.spec.cost, dept)}")
            return Reply(self.fill(messages.followup["no_cost"], dept))
        if topic == "hours":
            hours = [self.contact_line(c) for c in route.contacts if self.content.contacts[c].hours]
            if hours:
                return Reply("\n".join([self.heading("hours")] + hours))
            # no hours listed: the number to call says it best
            return Reply("\n".join([self.fill(messages.followup["no_hours"], dept), *self._phones(route)]))
        raise ValueError(f"unknown follow-up topic {topic!r}")

    def _phones(self, route: Route) -> List[str]:
        """The route's phone lines."""
        return [self.contact_line(c) for c in route.contacts if self.content.contacts[c].kind == "phone"]

    def topic_buttons(self) -> List[Button]:
        return [Button(o.label.get(self.language), f"/{o.intent}") for o in self.content.messages.fallback.options]

    def fallback(self) -> Reply:
        return Reply(self.fill(self.content.messages.fallback.text), self.topic_buttons(), part="fallback")

    def handoff(self, route: Optional[Route]) -> Reply:
        handoff = self.content.messages.handoff
        if route is None or route.department is None:
            return Reply(self.fill(handoff["general"]), part="handoff")
        lines = [self.fill(handoff["with_department"], route.department)]
        lines += [f"- {self.contact_line(c)}" for c in route.contacts]
        return Reply("\n".join(lines), part="handoff")

    def also(self) -> Reply:
        return Reply(self.heading("also"))


def to_dispatch(reply: Reply) -> Dict:
    """Keyword arguments for rasa_sdk's ``dispatcher.utter_message``: text, buttons,
    the card as ``custom``, and the part's kind (``part``) and data (``part_data``).
    Rasa passes the last two to the output channel with the message (they are
    kept in the bot event's metadata); channels/render.py reads them."""
    kwargs: Dict = {"text": reply.text, "part": reply.part}
    if reply.data:
        kwargs["part_data"] = dict(reply.data)
    if reply.buttons:
        kwargs["buttons"] = [{"title": b.title, "payload": b.payload} for b in reply.buttons]
    if reply.card:
        kwargs["json_message"] = reply.card  # the department card or the letter (CONTRACTS.md)
    return kwargs
