"""The printable guided script for call-center agents, built from the content files.

Walks the triage decision the same way the assistant does (``triage.engine``):
for every request type, the question the assistant asks and each answer's
branch, the facts a caller may say on their own that lead straight to an answer,
and every final answer with its steps, checklist and contacts (and how they
differ in each region); then the questions callers ask about an answer (the
FAQ of conversation.yml), every rights topic under each state's rules
(federal/HIPAA, Washington, California, Oregon), the fees and deadlines, the
overdue path, the emergency and crisis answers, the neighbours we point
elsewhere, and the opening and closing words. Rendered as Markdown and as a
standalone HTML page for printing.
Nothing here is typed by hand: change the content files and regenerate.

In the caller's language: ``build_script(..., language="es")`` gives the script for
a Spanish-speaking caller. What the agent says and asks, the caller's answers, the
steps, checklist, contacts, rights, fees and deadlines are the content's Spanish
texts; the script's own headings and labels for the agent ("Say:", "Checklist",
the section names, the names of facts) stay in English, and the HTML marks the
Spanish parts with ``lang="es"`` for screen readers. How callers word a question
about an answer (conversation.yml ``faq``) has English examples only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from jinja2 import Environment, select_autoescape

from triage.content_schema import AgentWording, Content, Text
from triage.conversation_content import ConversationContent, load_conversation
from triage.engine import Facts, Question, Route, default_region, triage
from triage.fees import estimate
from triage.render import Renderer
from triage.render_rights import RightsRenderer
from triage.rights import FEDERAL, answer

FEE_EXAMPLE_PAGES = 100  # the worked fee example in the script
FEE_PHRASES = ("fee_electronic", "fee_policy_self", "fee_third_party", "fee_clinician")
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
    department: str  # empty: information only (no department)
    say: str
    steps: List[str]
    notes: List[str]
    include: List[str]
    contacts: List[str]
    time_cost: List[str]
    regions: List[Tuple[str, List[str], List[str]]]  # (region name, steps, contacts) where they differ


@dataclass
class RouteQuestion:
    """A question callers ask about an answer (conversation.yml ``faq``) and what to say."""

    key: str
    asked: str  # how callers ask it (the first example)
    also: List[str]  # other ways they ask it
    say: str
    applies: List[str]  # the answers (titles) or departments it is for


@dataclass
class RightsSection:
    topic: str
    heading: str  # as the caller asks it
    by_state: List[Tuple[str, List[str]]]  # (jurisdiction name, lines to say)


@dataclass
class Script:
    organization: str
    generated: str
    requests: List[Tuple[str, str, Node]]  # (request type, name, tree)
    region_question: Tuple[str, List[str]]
    answers: List[Answer]
    unreached: List[str]
    opening: List[str] = field(default_factory=list)
    closing: List[str] = field(default_factory=list)
    route_questions: List[RouteQuestion] = field(default_factory=list)
    state_question: Tuple[str, List[str]] = ("", [])
    rights: List[RightsSection] = field(default_factory=list)
    disclaimer: str = ""
    fees: List[str] = field(default_factory=list)  # what each kind of copy costs at the health system
    fee_question: str = ""
    fee_examples: List[Tuple[str, List[str]]] = field(default_factory=list)  # (jurisdiction, lines)
    deadlines: List[Tuple[str, List[str]]] = field(default_factory=list)  # (jurisdiction, "label: n unit")
    deadline_note: str = ""
    overdue: List[str] = field(default_factory=list)  # the steps to read out
    overdue_question: str = ""
    overdue_passed: List[Tuple[str, List[str]]] = field(default_factory=list)  # (jurisdiction, complaint lines)
    overdue_not_passed: str = ""
    letter: str = ""
    safety: List[Tuple[str, str]] = field(default_factory=list)  # (kind, what to say)
    neighbours: List[Tuple[str, str]] = field(default_factory=list)
    language: str = "en"  # the caller's: what is said and asked


NO_DEPARTMENT = "Information only (no department)"  # a note for the agent: English
# How each script names the caller's language for the agent (English, like every label).
LANGUAGE_NAMES = {"en": "English", "es": "Spanish"}


def _value_label(value: str) -> str:
    return value.replace("_", " ")


class ScriptBuilder:
    def __init__(
        self,
        content: Content,
        wording: AgentWording,
        language: str = "en",
        conversation: Optional[ConversationContent] = None,
    ) -> None:
        self.content = content
        self.wording = wording
        self.conversation = conversation or load_conversation()
        self.render = Renderer(content, language)
        self.rights_render = RightsRenderer(content, language)
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
                label = self.wording.facts[name].get()  # a label for the agent: English
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
            department=card["department_name"] or "",
            say=self.render.fill(route.spec.summary, dept),
            steps=card["steps"],
            notes=[self.render.fill(n, dept) for n in route.spec.notes],
            include=card["include"],
            contacts=[self.render.contact_line(c) for c in route.contacts],
            time_cost=[line for line in self.render.time_cost_text(route).split("\n") if line],
            regions=regions,
        )

    # -- beyond the routes ------------------------------------------------------
    def said(self, text: Text) -> str:
        """A conversation.yml text, with the national numbers."""
        numbers = {k: n.value for k, n in self.conversation.numbers.items()}
        return self.render.fill(text, tables={"number": numbers})

    def jurisdictions(self) -> List[Tuple[str, str]]:
        """(key, name) of every jurisdiction, federal first."""
        return [(k, j.name.get(self.language)) for k, j in self.content.rights.jurisdictions.items()]

    def route_questions(self) -> List[RouteQuestion]:
        names = {r: self.text(spec.title) for r, spec in self.content.routes.items()}
        names.update({d: self.render.department_name(d) for d in self.content.departments})
        return [
            RouteQuestion(
                key,
                faq.questions[0],
                faq.questions[1:3],
                self.said(faq.answer),
                [names.get(target, target) for target in faq.for_],
            )
            for key, faq in self.conversation.faq.items()
        ]

    def rights_sections(self) -> List[RightsSection]:
        sections = []
        for topic in self.content.rights.topics:
            by_state = []
            for key, name in self.jurisdictions():
                lines = self.rights_render.rights_lines(answer(self.content, topic, key), True)
                by_state.append((name, [line.removeprefix(f"{name}: ") for line in lines]))
            sections.append(RightsSection(topic, self.text(self.wording.script.rights_topics[topic]), by_state))
        return sections

    def fee_examples(self) -> List[Tuple[str, List[str]]]:
        examples = []
        for key, name in self.jurisdictions():
            est = estimate(self.content, FEE_EXAMPLE_PAGES, None if key == FEDERAL else key, copy_format="paper")
            lines = self.rights_render.fee_estimate(est).text.split("\n")
            examples.append((name, [line for line in lines if line != self.rights_render.disclaimer()]))
        return examples

    def deadline_lines(self) -> List[Tuple[str, List[str]]]:
        rights = self.content.rights
        found = []
        for key, rules in rights.deadlines.items():
            name = rights.jurisdictions[key].name.get(self.language) if key in rights.jurisdictions else None
            lines = []
            for rule in rules:
                days = self.content.values[rule.value].text.get(self.language)
                if rule.extra:
                    days += " + " + self.content.values[rule.extra].text.get(self.language)
                lines.append(f"{self.text(rule.label)}: {days}")
            found.append((name or _label(key), lines))
        return found

    def add_extras(self, script: Script) -> None:
        r, rights = self.rights_render, self.content.rights
        script.opening = [self.text(self.wording.script.opening), self.text(self.wording.greeting)]
        script.closing = [
            self.text(self.wording.anything_else),
            self.text(self.content.messages.handoff["general"]),
            self.text(self.wording.script.closing),
        ]
        script.route_questions = self.route_questions()
        state = rights.questions["state"]
        script.state_question = (self.text(state.text), [o.label.get(self.language) for o in state.options])
        script.rights = self.rights_sections()
        script.disclaimer = r.disclaimer()
        script.fees = [r.phrase(key) for key in FEE_PHRASES]
        script.fee_question = self.text(rights.questions["pages"].text)
        script.fee_examples = self.fee_examples()
        script.deadlines = self.deadline_lines()
        script.deadline_note = r.phrase("dates_note")
        script.overdue = r.overdue_steps().text.split("\n")
        script.overdue_question = self.text(rights.questions["request_date"].text)
        script.overdue_passed = [
            (name, [r.phrase("overdue_passed")] + r.rights_lines(answer(self.content, "complaint", key), True))
            for key, name in self.jurisdictions()
        ]
        script.overdue_not_passed = r.phrase("overdue_not_passed")
        laws = ", ".join(j.law for j in rights.jurisdictions.values() if j.law)
        script.letter = r.letter_words("readout", laws)
        script.safety = [(kind, self.said(item.reply)) for kind, item in self.conversation.safety.items()]
        script.neighbours = [(kind, self.said(item.reply)) for kind, item in self.conversation.neighbours.items()]

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
        script = Script(
            organization=self.content.organization.name.get(self.language),
            generated=(today or dt.date.today()).isoformat(),
            requests=requests,
            region_question=region_question,
            answers=answers,
            unreached=unreached,
            language=self.language,
        )
        self.add_extras(script)
        return script


def build_script(
    content: Content,
    wording: AgentWording,
    language: str = "en",
    today: Optional[dt.date] = None,
    conversation: Optional[ConversationContent] = None,
) -> Script:
    return ScriptBuilder(content, wording, language, conversation).build(today)


def _label(key: str) -> str:
    return key.replace("_", " ").capitalize()


# -- Markdown ------------------------------------------------------------------


def _outcome_md(node: Node, titles: Dict[str, str]) -> str:
    if node.route_id:
        return f"go to answer **{titles[node.route_id]}** (#{node.route_id})"
    return f"{node.ask}"


def _for_caller(script: Script) -> str:
    """The title's words for a script in another language than English."""
    return (
        "" if script.language == "en" else f", {LANGUAGE_NAMES.get(script.language, script.language)}-speaking caller"
    )


def _language_note(script: Script) -> str:
    name = LANGUAGE_NAMES.get(script.language, script.language)
    return (
        f"Caller's language: {name}. Say and ask the words as written; the headings and notes for you are in English."
    )


def to_markdown(script: Script) -> str:
    titles = {a.route_id: a.title for a in script.answers}
    out = [
        f"# Guided script: records and forms ({script.organization}{_for_caller(script)})",
        "",
        f"Generated from the content files on {script.generated}. Do not edit by hand: run `make script`.",
        "",
    ]
    if script.language != "en":
        out += [_language_note(script), ""]
    out += [
        "Sections: 0. Opening, 1. What the caller needs, 2. Callers in Washington, 3. Answers,",
        "4. Questions about an answer, 5. Rights by state, 6. Fees, 7. Deadlines, 8. A late request,",
        "9. Emergencies and safety, 10. Not handled here, 11. Closing.",
        "",
        "## 0. Opening",
        "",
    ]
    out += [f"**Say:** {line}\n" for line in script.opening]
    out += [
        "",
        "If the caller describes an emergency or a crisis at any point, stop and go to section 9.",
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
            f"**Department:** {a.department or NO_DEPARTMENT}",
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
    out += _extras_md(script)
    return "\n".join(out)


def _extras_md(script: Script) -> List[str]:
    out = ["## 4. Questions callers ask about an answer", ""]
    for q in script.route_questions:
        out += [f'### "{q.asked}"', ""]
        if q.also:
            out.append("Also asked as: " + "; ".join(f'"{a}"' for a in q.also))
        out += [f"For: {', '.join(q.applies)}", "", f"**Say:** {q.say}", ""]
    question, options = script.state_question
    out += [
        "## 5. Rights to records, by state",
        "",
        f"**Ask:** {question} ({' / '.join(options)})",
        "",
        f"**Say at the end:** {script.disclaimer}",
        "",
    ]
    for section in script.rights:
        out += [f"### {section.heading} ({section.topic})", ""]
        for name, lines in section.by_state:
            out.append(f"- **{name}:** " + " ".join(lines))
        out.append("")
    out += ["## 6. Fees", ""] + [f"- {line}" for line in script.fees]
    out += [
        "",
        f"To work out a fee, **ask:** {script.fee_question}",
        "",
        f"Worked example, paper copy of {FEE_EXAMPLE_PAGES} pages:",
        "",
    ]
    for name, lines in script.fee_examples:
        out += [f"- **{name}:**"] + [f"  - {line}" for line in lines]
    out += ["", "## 7. Deadlines", ""]
    for _, lines in script.deadlines:
        out += [f"- {line}" for line in lines]
    out += [
        "",
        script.deadline_note,
        "",
        "## 8. A late request (overdue)",
        "",
        f"**Ask:** {script.overdue_question}",
        "",
    ]
    out += [f"**Say:** {script.overdue[0]}"] + script.overdue[1:]
    out += ["", f"If the deadline has not passed: {script.overdue_not_passed}", "", "If it has passed:", ""]
    for name, lines in script.overdue_passed:
        out.append(f"- **{name}:** " + " ".join(lines))
    out += ["", f"**A request letter:** {script.letter}", "", "## 9. Emergencies and safety (first, always)", ""]
    out += [f"- **{_label(kind)}:** {text}" for kind, text in script.safety]
    out += ["", "## 10. Not handled here (point the caller elsewhere)", ""]
    out += [f"- **{_label(kind)}:** {text}" for kind, text in script.neighbours]
    out += ["", "## 11. Closing", ""] + [f"**Say:** {line}\n" for line in script.closing]
    return out


# -- HTML ------------------------------------------------------------------------

# The page is a Jinja template beside this module (autoescaped like every string template here).
HTML_TEMPLATE = Path(__file__).resolve().parent / "templates" / "guided_script.html"


def to_html(script: Script) -> str:
    from markupsafe import Markup

    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    titles = {a.route_id: a.title for a in script.answers}
    # the caller's language on every element that holds its words (the page's own is English)
    lang = Markup(' lang="{0}"').format(script.language) if script.language != "en" else Markup("")

    def outcome(node: Node):
        if node.route_id:
            return Markup('go to answer <a href="#{0}"{1}>{2}</a>').format(node.route_id, lang, titles[node.route_id])
        return Markup("<span{0}>{1}</span>").format(lang, node.ask)

    return env.from_string(HTML_TEMPLATE.read_text(encoding="utf-8")).render(
        s=script,
        titles=titles,
        outcome=outcome,
        label=_label,
        fee_pages=FEE_EXAMPLE_PAGES,
        no_department=NO_DEPARTMENT,
        L=lang,
        for_caller=_for_caller(script),
        language_note=_language_note(script) if script.language != "en" else "",
    )
