"""The printable guided script for call-center agents, built from the content files.

Walks the triage decision the same way the assistant does (``triage.engine``):
for every request type, the question the assistant asks and each answer's
branch, the facts a caller may say on their own that lead straight to an answer,
and every final answer with its steps, checklist and contacts (and how they
differ in each region). Rendered as Markdown and as a standalone HTML page.
Nothing here is typed by hand: change the content files and regenerate.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from jinja2 import Environment, select_autoescape

from triage.content_schema import AgentWording, Content
from triage.engine import Facts, Question, Route, default_region, triage
from triage.render import Renderer

FACT_FIELDS = ("record_kind", "imaging_kind", "recipient", "requester", "leave_program", "leave_type")
MAX_DEPTH = 4  # questions in a row; the engine asks at most two


@dataclass
class Shortcut:
    """Facts a caller may say unasked that lead straight to another outcome."""

    fact: str  # the fact's name for agents ("Who gets them")
    values: List[str]
    outcome: "Node"


@dataclass
class Branch:
    label: str  # the caller's answer (button label)
    node: "Node"


@dataclass
class Node:
    facts: Facts
    route_id: Optional[str] = None  # a final answer ...
    question: Optional[str] = None  # ... or the question to ask
    ask: str = ""
    branches: List[Branch] = field(default_factory=list)
    shortcuts: List[Shortcut] = field(default_factory=list)


@dataclass
class Answer:
    route_id: str
    title: str
    department: str
    say: str
    steps: List[str]
    notes: List[str]
    include: List[str]
    contacts: List[str]
    time_cost: List[str]
    regions: List[Tuple[str, List[str], List[str]]]  # (region name, steps, contacts) where they differ


@dataclass
class Script:
    organization: str
    generated: str
    requests: List[Tuple[str, str, Node]]  # (request type, name, tree)
    region_question: Tuple[str, List[str]]
    answers: List[Answer]
    unreached: List[str]


def _value_label(value: str) -> str:
    return value.replace("_", " ")


class ScriptBuilder:
    def __init__(self, content: Content, wording: AgentWording, language: str = "en") -> None:
        self.content = content
        self.wording = wording
        self.render = Renderer(content, language)
        self.language = language
        self.witness: Dict[str, Facts] = {}  # route id -> facts that reach it

    def text(self, text) -> str:
        return self.render.fill(text)

    def node(self, facts: Facts, depth: int = 0, shortcuts: bool = True) -> Node:
        decision = triage(facts, self.content)
        if isinstance(decision, Route):
            self.witness.setdefault(decision.route_id, facts)
            node = Node(facts, route_id=decision.route_id)
            if shortcuts:
                node.shortcuts = self.shortcuts(facts, decision)
            return node
        if not isinstance(decision, Question) or depth > MAX_DEPTH:
            raise ValueError(f"no answer and no question for {facts}")
        spec = self.content.messages.questions[decision.slot]
        node = Node(facts, question=decision.slot, ask=self.text(self.wording.questions[decision.slot]))
        for option in spec.options:
            child = self.node(replace(facts, **option.facts), depth + 1, shortcuts=False)
            node.branches.append(Branch(option.label.get(self.language), child))
        if shortcuts:
            node.shortcuts = self.shortcuts(facts, decision)
        return node

    def shortcuts(self, facts: Facts, base) -> List[Shortcut]:
        """Single facts that change the outcome, grouped by fact and outcome."""
        found: Dict[Tuple[str, str], Shortcut] = {}
        for name in FACT_FIELDS:
            if getattr(facts, name) is not None:
                continue
            for value in self.content.vocabulary.get(name, {}):
                changed = replace(facts, **{name: value})
                decision = triage(changed, self.content)
                key = decision.route_id if isinstance(decision, Route) else f"?{getattr(decision, 'slot', '')}"
                base_key = base.route_id if isinstance(base, Route) else f"?{base.slot}"
                if key == base_key:
                    continue
                label = self.text(self.wording.facts[name])
                if (label, key) not in found:
                    found[(label, key)] = Shortcut(label, [], self.node(changed, MAX_DEPTH, shortcuts=False))
                named = self.wording.fact_values.get(name, {}).get(value)
                found[(label, key)].values.append(self.text(named) if named else _value_label(value))
        return list(found.values())

    def answer(self, route_id: str) -> Answer:
        facts = self.witness[route_id]
        route = triage(facts, self.content)
        assert isinstance(route, Route)
        card = self.render.card(route)
        dept = route.department
        regions = []
        home = default_region(self.content)
        for place_key, place in self.content.places.items():
            if place.region in (None, home):
                continue
            other = triage(replace(facts, region=place_key), self.content)
            if isinstance(other, Route) and (other.contacts != route.contacts or other.steps != route.steps):
                entry = (
                    self.content.regions[place.region].name.get(self.language),
                    [self.render.fill(s, dept) for s in other.steps],
                    [self.render.contact_line(c) for c in other.contacts],
                )
                if entry not in regions:
                    regions.append(entry)
        return Answer(
            route_id=route_id,
            title=card["title"],
            department=card["department_name"] or "Information only (no department)",
            say=self.render.fill(route.spec.summary, dept),
            steps=card["steps"],
            notes=[self.render.fill(n, dept) for n in route.spec.notes],
            include=card["include"],
            contacts=[self.render.contact_line(c) for c in route.contacts],
            time_cost=[line for line in self.render.time_cost_text(route).split("\n") if line],
            regions=regions,
        )

    def build(self, today: Optional[dt.date] = None) -> Script:
        requests = []
        for request, name in self.wording.requests.items():
            requests.append((request, self.text(name), self.node(Facts(request=request))))
        region_spec = self.content.messages.questions["region"]
        region_question = (
            self.text(self.wording.questions["region"]),
            [o.label.get(self.language) for o in region_spec.options],
        )
        answers = [self.answer(r) for r in self.content.routes if r in self.witness]
        unreached = [r for r in self.content.routes if r not in self.witness]
        return Script(
            organization=self.content.organization.name.get(self.language),
            generated=(today or dt.date.today()).isoformat(),
            requests=requests,
            region_question=region_question,
            answers=answers,
            unreached=unreached,
        )


def build_script(
    content: Content, wording: AgentWording, language: str = "en", today: Optional[dt.date] = None
) -> Script:
    return ScriptBuilder(content, wording, language).build(today)


# -- Markdown ------------------------------------------------------------------


def _outcome_md(node: Node, titles: Dict[str, str]) -> str:
    if node.route_id:
        return f"go to answer **{titles[node.route_id]}** (#{node.route_id})"
    return f"{node.ask}"


def to_markdown(script: Script) -> str:
    titles = {a.route_id: a.title for a in script.answers}
    out = [
        f"# Guided script: records and forms ({script.organization})",
        "",
        f"Generated from the content files on {script.generated}. Do not edit by hand: run `make script`.",
        "",
        "## 1. Find out what the caller needs",
        "",
    ]
    for request, name, node in script.requests:
        out.append(f"### {name}")
        out.append("")
        if node.route_id:
            out.append(f"- Answer: **{titles[node.route_id]}** (#{node.route_id})")
        else:
            out.append(f"- Ask: {node.ask}")
            for branch in node.branches:
                out.append(f'  - "{branch.label}": {_outcome_md(branch.node, titles)}')
                for sub in branch.node.branches:
                    out.append(f'    - "{sub.label}": {_outcome_md(sub.node, titles)}')
        if node.shortcuts:
            out.append("- If the caller already said:")
            for cut in node.shortcuts:
                out.append(f"  - {cut.fact}: {', '.join(cut.values)}: {_outcome_md(cut.outcome, titles)}")
        out.append("")
    question, options = script.region_question
    out += [
        "## 2. Callers in Washington",
        "",
        f'When the caller says only "Washington": {question} ({" / ".join(options)}).',
        "Each answer below says what changes outside the home region.",
        "",
        "## 3. Answers",
        "",
    ]
    for a in script.answers:
        out += [
            f"### {a.title} (#{a.route_id})",
            "",
            f"**Department:** {a.department}",
            "",
            f"**Say:** {a.say}",
            "",
            "**Steps:**",
        ]
        out += [f"{i}. {s}" for i, s in enumerate(a.steps, 1)]
        out += [f"\n{n}" for n in a.notes]
        if a.include:
            out += ["", "**Checklist (what the caller must provide):**"] + [f"- [ ] {i}" for i in a.include]
        if a.contacts:
            out += ["", "**Contacts:**"] + [f"- {c}" for c in a.contacts]
        if a.time_cost:
            out += [""] + a.time_cost
        for region, steps, contacts in a.regions:
            out += (
                ["", f"**In {region}:**"] + [f"{i}. {s}" for i, s in enumerate(steps, 1)] + [f"- {c}" for c in contacts]
            )
        out.append("")
    return "\n".join(out)


# -- HTML ------------------------------------------------------------------------

# The page is a Jinja template beside this module (autoescaped like every string template here).
HTML_TEMPLATE = Path(__file__).resolve().parent / "templates" / "guided_script.html"


def to_html(script: Script) -> str:
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    titles = {a.route_id: a.title for a in script.answers}

    def outcome(node: Node):
        from markupsafe import Markup, escape

        if node.route_id:
            return Markup('go to answer <a href="#{0}">{1}</a>').format(node.route_id, titles[node.route_id])
        return escape(node.ask)

    return env.from_string(HTML_TEMPLATE.read_text(encoding="utf-8")).render(s=script, titles=titles, outcome=outcome)
