"""Content files: the schema (pydantic models) and the cross-reference and placeholder checks.

All facts the assistant tells people live in ``content/*.yml``; ``triage.content``
reads them and validates them against these models, so a typo in a phone
number's id, a missing source or a placeholder that points nowhere fails at
start-up and in the tests, not in front of a patient.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Dict, List, Literal, Optional

from pydantic import BaseModel, Extra, Field, root_validator, validator

DEFAULT_LANGUAGE = "en"

DEPARTMENTS = (
    "roi",
    "imaging",
    "clinical_team",
    "leave_form",
    "self_service",
    "medical_records",
)

PLACEHOLDER = re.compile(r"\{([a-z_]+)(?:\.([a-z0-9_]+))?\}")


class Text(BaseModel):
    """A user-facing text, one entry per language code. English is required."""

    __root__: Dict[str, str]

    @validator("__root__")
    def _needs_english(cls, value: Dict[str, str]) -> Dict[str, str]:
        if DEFAULT_LANGUAGE not in value or not value[DEFAULT_LANGUAGE].strip():
            raise ValueError(f"missing '{DEFAULT_LANGUAGE}' text")
        for lang, text in value.items():
            if not re.fullmatch(r"[a-z]{2}", lang):
                raise ValueError(f"bad language code {lang!r}")
            if not text.strip():
                raise ValueError(f"empty {lang} text")
        placeholders = {lang: sorted(PLACEHOLDER.findall(t)) for lang, t in value.items()}
        if len({tuple(p) for p in placeholders.values()}) > 1:
            raise ValueError(f"languages use different placeholders: {placeholders}")
        return value

    def get(self, language: str = DEFAULT_LANGUAGE) -> str:
        return self.__root__.get(language) or self.__root__[DEFAULT_LANGUAGE]

    def all(self) -> Dict[str, str]:
        return dict(self.__root__)


class Strict(BaseModel):
    class Config:
        extra = Extra.forbid
        allow_mutation = False


class Sourced(Strict):
    source: str
    reviewed: dt.date


class Source(Strict):
    """A public page a fact comes from: nothing outside the repository is read."""

    title: str
    publisher: str
    url: str
    read: dt.date
    checked: bool

    @validator("url")
    def _public_address(cls, value: str) -> str:
        if not re.fullmatch(r"https://[\w.-]+\.[a-z]{2,}(/\S*)?", value):
            raise ValueError(f"not a public https address: {value}")
        return value


class OrganizationInfo(Sourced):
    name: Text
    portal_name: Text
    portal_url: str


class Region(Sourced):
    name: Text
    default: bool = False
    roi_steps: List[Text] = Field(default_factory=list)


class Place(Strict):
    region: Optional[str]
    state: Literal["OR", "WA", "CA"]


class Hours(Sourced):
    text: Text


class Contact(Sourced):
    kind: Literal["phone", "fax", "email", "mail", "web"]
    value: str
    label: Text
    hours: Optional[str] = None

    @root_validator(skip_on_failure=True)
    def _value_matches_kind(cls, values):
        kind, value = values["kind"], values["value"]
        patterns = {
            "phone": r"\d{3}-\d{3}-\d{4}",
            "fax": r"\d{3}-\d{3}-\d{4}",
            "email": r"[^@\s]+@[^@\s]+\.[a-z]{2,}",
            "web": r"https://\S+",
            "mail": r".+, [A-Z]{2} \d{5}(-\d{4})?",
        }
        if not re.fullmatch(patterns[kind], value):
            raise ValueError(f"{kind} value {value!r} is not well formed")
        return values


class Department(Sourced):
    name: Text
    what: Text
    contacts: Dict[str, List[str]]
    # kp.org and the care team are reached the same way in every region.
    same_in_all_regions: bool = False


class RouteSpec(Sourced):
    department: Optional[Literal[DEPARTMENTS]]  # type: ignore[valid-type]
    title: Text
    summary: Text
    steps: List[Text]
    include: List[Text]
    time: Optional[Text]
    cost: Optional[Text]
    notes: List[Text]
    contacts: Optional[List[str]] = None

    @validator("steps")
    def _has_steps(cls, steps):
        if not steps:
            raise ValueError("a route needs at least one step")
        return steps


class Definition(Sourced):
    term: Text
    text: Text
    department: Optional[str] = None  # the department a question about the term is for

    @validator("department")
    def known_department(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and value not in DEPARTMENTS:
            raise ValueError(f"unknown department {value!r}")
        return value


class Value(Sourced):
    text: Text
    # The number behind the text, for the fee and deadline calculators.
    amount: Optional[Decimal] = None


class Option(Strict):
    label: Text
    facts: Dict[str, str] = Field(default_factory=dict)
    intent: Optional[str] = None


class Question(Strict):
    text: Text
    options: List[Option]


class Messages(Strict):
    questions: Dict[str, Question]
    headings: Dict[str, Text]
    followup: Dict[str, Text]
    fallback: Question
    handoff: Dict[str, Text]
    privacy: Dict[str, Text]
    disclaimer: Dict[str, Text]


# --- legal rights (content/rights.yml) -----------------------------------------
JURISDICTIONS = ("federal", "WA", "CA", "OR")


class Jurisdiction(Sourced):
    name: Text
    short: Text
    law: Optional[str] = None  # cited in the request letter
    follows: Optional[Literal["federal"]] = None


class RightAnswer(Sourced):
    text: Text


class RightsTopic(Strict):
    by_state: bool
    next: List[str]
    answers: Dict[str, RightAnswer]
    policy: Optional[Text] = None

    @validator("answers")
    def _federal_first(cls, answers):
        if "federal" not in answers:
            raise ValueError("every topic needs a federal answer")
        unknown = set(answers) - set(JURISDICTIONS)
        if unknown:
            raise ValueError(f"unknown jurisdictions {sorted(unknown)}")
        return answers


class DeadlineRule(Strict):
    value: str
    extra: Optional[str] = None
    unit: Literal["days", "working_days", "business_days"]
    label: Text


class NextStep(Strict):
    label: Text
    intent: str


class PlainQuestion(Strict):
    text: Text
    options: List[Option] = Field(default_factory=list)


class LetterLine(Strict):
    text: Optional[Text] = None
    label: Optional[Text] = None
    blank: Optional[str] = None
    known: Optional[Literal["records", "format"]] = None
    regions: Optional[List[str]] = None  # only in letters to these regions' ROI (the address lines)

    @root_validator(skip_on_failure=True)
    def _text_or_blank(cls, values):
        if (values["text"] is None) == (values["label"] is None and values["blank"] is None):
            raise ValueError("a letter line is either text, or a label with a blank")
        if values["label"] is not None and values["blank"] is None:
            raise ValueError("a labelled line needs a blank")
        return values


class Letter(Strict):
    title: Text
    lines: List[LetterLine]
    formats: Dict[str, Text]
    all_records: Text
    readout: Text
    send_to: Dict[str, Text]  # region -> where to send the letter
    record_names: Dict[str, Text]


class Rights(Strict):
    jurisdictions: Dict[str, Jurisdiction]
    follows_federal: Text
    deadlines: Dict[str, List[DeadlineRule]]
    topics: Dict[str, RightsTopic]
    next_steps: Dict[str, NextStep]
    questions: Dict[str, PlainQuestion]
    phrases: Dict[str, Text]
    letter: Letter

    @validator("jurisdictions")
    def _all_jurisdictions(cls, value):
        if set(value) != set(JURISDICTIONS):
            raise ValueError(f"jurisdictions must be exactly {JURISDICTIONS}")
        return value


class Content(Strict):
    sources: Dict[str, Source]
    organization: OrganizationInfo
    regions: Dict[str, Region]
    places: Dict[str, Place]
    hours: Dict[str, Hours]
    contacts: Dict[str, Contact]
    departments: Dict[str, Department]
    values: Dict[str, Value]
    routes: Dict[str, RouteSpec]
    definitions: Dict[str, Definition]
    messages: Messages
    vocabulary: Dict[str, Dict[str, List[str]]]
    rights: Rights

    @root_validator(skip_on_failure=True)
    def _references_resolve(cls, values):
        errors: List[str] = []
        sources = values["sources"]
        regions = values["regions"]
        contacts = values["contacts"]

        # every fact names a known source
        for section in ("regions", "hours", "contacts", "departments", "values", "routes", "definitions"):
            for key, item in values[section].items():
                if item.source not in sources:
                    errors.append(f"{section}.{key}: unknown source {item.source!r}")
        if values["organization"].source not in sources:
            errors.append("organization: unknown source")

        defaults = [k for k, r in regions.items() if r.default]
        if len(defaults) != 1:
            errors.append(f"exactly one default region needed, found {defaults}")
        for key, place in values["places"].items():
            if place.region is not None and place.region not in regions:
                errors.append(f"places.{key}: unknown region {place.region!r}")
        for key, contact in contacts.items():
            if contact.hours is not None and contact.hours not in values["hours"]:
                errors.append(f"contacts.{key}: unknown hours {contact.hours!r}")

        if set(values["departments"]) != set(DEPARTMENTS):
            errors.append(f"departments must be exactly {DEPARTMENTS}")
        for key, dept in values["departments"].items():
            if defaults and defaults[0] not in dept.contacts:
                errors.append(f"departments.{key}: no contacts for the default region")
            for region, ids in dept.contacts.items():
                if region not in regions:
                    errors.append(f"departments.{key}: unknown region {region!r}")
                errors += [f"departments.{key}: unknown contact {c!r}" for c in ids if c not in contacts]
        for region_key, region in regions.items():
            if not region.default and region_key not in values["departments"]["roi"].contacts:
                errors.append(f"regions.{region_key}: ROI has no contacts there")

        for key, route in values["routes"].items():
            errors += [f"routes.{key}: unknown contact {c!r}" for c in (route.contacts or []) if c not in contacts]

        for key, place in values["vocabulary"].get("region", {}).items():
            if key not in values["places"]:
                errors.append(f"vocabulary.region.{key}: not in organization places")

        errors += _rights_errors(values)

        errors += placeholder_errors(values, values)
        if errors:
            raise ValueError("; ".join(errors))
        return values


# Placeholders the renderer fills in at answer time (they depend on the route,
# the state asked about, the numbers the person gave).
RUNTIME_PLACEHOLDERS = {"department", "portal", "state", "pages", "total", "reason", "date", "laws", "law", "send_to"}


def _rights_errors(values) -> List[str]:
    rights: Rights = values["rights"]
    errors: List[str] = []
    known_values = values["values"]
    for key, item in rights.jurisdictions.items():
        if item.source not in values["sources"]:
            errors.append(f"rights.jurisdictions.{key}: unknown source {item.source!r}")
    for topic_key, topic in rights.topics.items():
        for key, answer in topic.answers.items():
            if answer.source not in values["sources"]:
                errors.append(f"rights.topics.{topic_key}.{key}: unknown source {answer.source!r}")
        errors += [
            f"rights.topics.{topic_key}: unknown next step {n!r}" for n in topic.next if n not in rights.next_steps
        ]
    for key, rules in rights.deadlines.items():
        if key != "policy" and key not in JURISDICTIONS:
            errors.append(f"rights.deadlines.{key}: unknown jurisdiction")
        for rule in rules:
            for ref in filter(None, (rule.value, rule.extra)):
                if ref not in known_values or known_values[ref].amount is None:
                    errors.append(f"rights.deadlines.{key}: {ref!r} is not a value with an amount")
    # every region's letter says where to send it, and has an address line
    regions = set(values["regions"])
    letter = rights.letter
    errors += [f"rights.letter.send_to: no text for region {r!r}" for r in sorted(regions - set(letter.send_to))]
    errors += [f"rights.letter.send_to: unknown region {r!r}" for r in sorted(set(letter.send_to) - regions)]
    for i, line in enumerate(letter.lines):
        errors += [f"rights.letter.lines[{i}]: unknown region {r!r}" for r in (line.regions or []) if r not in regions]
    addressed = {r for line in letter.lines for r in (line.regions or [])}
    errors += [f"rights.letter.lines: no address line for region {r!r}" for r in sorted(regions - addressed)]
    return errors


def _placeholder_ok(kind: str, ref: str, values) -> bool:
    if not ref:
        return kind in RUNTIME_PLACEHOLDERS
    table = {"contact": values["contacts"], "value": values["values"], "hours": values["hours"]}.get(kind)
    return table is not None and ref in table


def placeholder_errors(tree, values, also_known=None) -> List[str]:
    """One message per placeholder in ``tree``'s texts that neither the content
    (``values``: contacts, values, hours) nor the renderer fills in;
    ``also_known(where, kind, ref)`` allows a file's own extra placeholders."""
    return [
        f"{where}: unknown placeholder {{{kind}.{ref}}}" if ref else f"{where}: unknown placeholder {{{kind}}}"
        for where, text in iter_texts(tree)
        for kind, ref in PLACEHOLDER.findall(text)
        if not _placeholder_ok(kind, ref, values) and not (also_known and also_known(where, kind, ref))
    ]


def iter_texts(values) -> List[tuple]:
    """Every user-facing text in the content, with where it is (for checks)."""
    found: List[tuple] = []

    def walk(obj, where):
        if isinstance(obj, Text):
            found.extend((f"{where}[{lang}]", t) for lang, t in obj.all().items())
        elif isinstance(obj, BaseModel):
            for name in obj.__fields__:
                walk(getattr(obj, name), f"{where}.{name}")
        elif isinstance(obj, dict):
            for k, v in obj.items():
                walk(v, f"{where}.{k}")
        elif isinstance(obj, (list, tuple)):
            for i, v in enumerate(obj):
                walk(v, f"{where}[{i}]")

    for key, value in values.items():
        walk(value, key)
    return found


# -- Agent wording (content/agent.yml): the agent console and the guided script ----


class ScriptWording(Strict):
    """The printable guided script's own words (content/agent.yml ``script``)."""

    opening: Text
    closing: Text
    rights_topics: Dict[str, Text]  # one heading per rights topic, as the caller asks it


class AgentWording(Strict):
    """Texts for call-center agents; see content/agent.yml."""

    questions: Dict[str, Text]
    fallback: Text
    greeting: Text
    anything_else: Text
    language_chosen: Text  # the console's words when the caller's language is set
    requests: Dict[str, Text]
    facts: Dict[str, Text]
    fact_values: Dict[str, Dict[str, Text]] = Field(default_factory=dict)
    script: ScriptWording


# -- SMS channel texts (content/sms.yml) -------------------------------------


class SmsTexts(Strict):
    """Words only the SMS channel uses: HELP answer, START answer, replies to bad
    input, and the line format of a numbered choice."""

    help: Text
    resumed: Text
    empty: Text
    too_long: Text
    error: Text
    greeting_hint: Text  # added to the hello (the greeting part)
    choice: Text
    # the MORE flow (channels/sms_text.py Paging)
    more: Dict[str, Text]  # part kind of the next page -> "Reply MORE for ..."; "other": any kind
    no_more: Text  # MORE when nothing is left
    contact: Text  # a contact line in the first message: {label}, {value}
    contact_hours: Text  # the same with {hours}
    contact_short: Dict[str, Text]  # contact kind -> a shorter line with {value}


# The choice line's own placeholders, filled by the SMS channel.
SMS_CHOICE_PLACEHOLDERS = {"n", "label"}
SMS_CONTACT_PLACEHOLDERS = {"label", "value", "hours"}


# -- Service texts (content/service.yml) -------------------------------------


class ServiceTexts(Strict):
    """Words the service says when something is wrong: the assistant can't answer
    in time (with the main contacts), an empty message, a message too long."""

    unavailable: Text
    empty: Text
    too_long: Text
