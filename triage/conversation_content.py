"""Schema and loader of ``content/conversation.yml``: safety, neighbours, the words
people use to ask for a detail or name a department, and questions about routes.

Pure: no Rasa imports. Checked at load: every source is known, every placeholder
points at a contact, value, number or the portal, every `for` names a route or a
department, and every option list matches the question it answers.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional

import yaml
from pydantic import validator

from triage.content import CONTENT_DIR, load_content
from triage.content_schema import DEPARTMENTS, PLACEHOLDER, Content, Strict, Text

SAFETY_KINDS = ("crisis", "emergency", "abuse", "poison")
ASK_KINDS = ("phone", "email", "fax", "mail", "hours", "cost", "time", "include")


class Number(Strict):
    value: str
    source: str
    reviewed: dt.date


class Phrased(Strict):
    phrases: List[str]
    reply: Text
    # two sets of words that mean the kind when close together ("a weight pressing on
    # his breastbone": a chest word near a pressure word), for wording no phrase lists
    near: List[List[List[str]]] = []
    past_reply: Optional[Text] = None  # a crisis or abuse told as long past: a note after the answer

    @validator("phrases", each_item=True)
    def _lower(cls, value: str) -> str:
        if value != value.lower():
            raise ValueError(f"phrases are lower case: {value!r}")
        return value


class Faq(Strict):
    for_: List[str]
    questions: List[str]
    answer: Text
    source: str
    reviewed: dt.date
    department: Optional[str] = None  # where the answer sends the person (sets the slot)
    needs: List[str] = []  # when set, one of these words must be in the message ("my son's")
    facts: Dict[str, str] = {}  # facts the answer changes ("not on kp.org": a detailed copy from ROI)
    questions_es: List[str] = []  # Spanish ways to ask it (conversation_es.yml)

    class Config:
        fields = {"for_": "for"}


class ConversationContent(Strict):
    numbers: Dict[str, Number]
    safety: Dict[str, Phrased]
    past_markers: List[str]
    present_markers: List[str]
    past_named: List[str]
    long_past_markers: List[str] = []  # a crisis or abuse told as long past
    neighbours: Dict[str, Phrased]
    asks: Dict[str, List[str]]
    not_asks: List[str]
    departments_named: Dict[str, List[str]]
    requests: Dict[str, List[str]]
    outranks: Dict[str, List[str]] = {}  # a request that, named, makes others its part
    law_named: List[str] = []  # words that name a law outright ("is there a law about ...")
    needs_words: List[str] = []  # requests NLU alone does not name
    facts: Dict[str, Dict[str, List[str]]]
    option_words: Dict[str, List[List[str]]]
    corrections: List[str]
    send_markers: List[str]
    faq: Dict[str, Faq]
    rights_markers: List[str]
    overdue_markers: List[str]
    overdue_sure: List[str] = []  # words that say a request is late...
    overdue_about: List[str] = []  # ...and words that say it is a request of ours
    overdue_not: List[str] = []  # "my late husband" (who died)
    law_markers: List[str]
    generic_form_phrases: List[str]
    records_markers: List[str]
    booking_markers: List[str]
    caller_words: List[str] = []  # an agent typing for the caller: "caller", "pt", "member"
    relatives: List[str] = []  # someone other than the caller named
    correction_markers: List[str] = []  # a correction-law reading by NLU needs one of these when a request is named
    closing_words: List[str] = []  # a goodbye or thanks NLU reads in a longer message needs one of these
    form_words: List[str] = []  # a form to fill out, not a record to fetch
    not_requests: List[str] = []  # a request word that is not the request ("a scan of the form")
    extension_words: List[str] = []  # "can they extend it?" about a records request
    death_words: List[str] = []  # the patient died: records from ROI, not the portal
    leave_words: List[str] = []  # a leave named as a leave, not only as time off
    leave_claim_words: List[str] = []  # records for a leave claim, not the leave form
    form_holders: List[str] = []  # who a paper leave form must not go to (doctor, clinic)
    copy_markers: List[str]
    definition_markers: List[str]
    meaning_words: List[str]
    representative_markers: List[str]

    @validator("safety")
    def _safety_kinds(cls, value: Dict[str, Phrased]) -> Dict[str, Phrased]:
        if list(value) != list(SAFETY_KINDS):
            raise ValueError(f"safety kinds must be, in this order: {SAFETY_KINDS}")
        return value

    @validator("asks")
    def _ask_kinds(cls, value: Dict[str, List[str]]) -> Dict[str, List[str]]:
        if set(value) != set(ASK_KINDS):
            raise ValueError(f"asks must be exactly {ASK_KINDS}")
        return value

    @validator("departments_named")
    def _departments(cls, value: Dict[str, List[str]]) -> Dict[str, List[str]]:
        unknown = set(value) - set(DEPARTMENTS)
        if unknown:
            raise ValueError(f"unknown departments {sorted(unknown)}")
        return value


def check(conversation: ConversationContent, content: Content) -> List[str]:
    """Cross-file checks: sources, placeholders, route names, request types, options."""
    from triage.engine import REQUESTS

    errors: List[str] = []
    for key, number in conversation.numbers.items():
        if number.source not in content.sources:
            errors.append(f"numbers.{key}: unknown source {number.source}")
    for key, faq in conversation.faq.items():
        if faq.source not in content.sources:
            errors.append(f"faq.{key}: unknown source {faq.source}")
        for target in faq.for_:
            if target not in content.routes and target not in DEPARTMENTS:
                errors.append(f"faq.{key}: {target} is neither a route nor a department")
        if faq.department is not None and faq.department not in DEPARTMENTS:
            errors.append(f"faq.{key}: unknown department {faq.department}")
    for request in conversation.requests:
        if request not in REQUESTS:
            errors.append(f"requests.{request}: not a request type")
    for request, others in conversation.outranks.items():
        for name in [request, *others]:
            if name not in REQUESTS:
                errors.append(f"outranks.{request}: {name} is not a request type")
    for slot, values in conversation.facts.items():
        for value in values:
            if value not in content.vocabulary.get(slot, {}):
                errors.append(f"facts.{slot}.{value}: not in vocabulary.yml")
    for slot, lists in conversation.option_words.items():
        question = content.messages.questions.get(slot)
        if question is None or len(question.options) != len(lists):
            errors.append(f"option_words.{slot}: one word list per option of the question")
    texts = [(f"safety.{k}", p.reply) for k, p in conversation.safety.items()]
    texts += [(f"safety.{k}.past_reply", p.past_reply) for k, p in conversation.safety.items() if p.past_reply]
    texts += [(f"neighbours.{k}", p.reply) for k, p in conversation.neighbours.items()]
    texts += [(f"faq.{k}", f.answer) for k, f in conversation.faq.items()]
    for where, text in texts:
        for language, raw in text.all().items():
            for match in PLACEHOLDER.finditer(raw):
                kind, ref = match.group(1), match.group(2)
                known = (
                    (kind == "number" and ref in conversation.numbers)
                    or (kind == "contact" and ref in content.contacts)
                    or (kind == "value" and ref in content.values)
                    or (kind == "portal" and ref is None)
                )
                if not known:
                    errors.append(f"{where}[{language}]: unknown placeholder {match.group(0)}")
    return errors


def parse_conversation(raw: dict, content: Content) -> ConversationContent:
    conversation = ConversationContent.parse_obj(raw)
    errors = check(conversation, content)
    if errors:
        raise ValueError("content/conversation.yml: " + "; ".join(errors))
    return conversation


def merge_words(base: object, extra: object, where: str = "") -> object:
    """``base`` with the word lists of ``extra`` added: the same keys, lists joined
    (a list of lists, such as option_words, joined item by item). Any other key or
    shape in ``extra`` is an error, so a typo cannot add a list nobody reads; a key
    ending in ``_es`` is a Spanish field of its own (a route question's questions_es)."""
    if isinstance(base, dict) and isinstance(extra, dict):
        unknown = {key for key in set(extra) - set(base) if not key.endswith("_es")}  # a field of its own
        if unknown:
            raise ValueError(f"conversation_es.yml{where}: unknown keys {sorted(unknown)}")
        merged = {
            key: merge_words(value, extra[key], f"{where}.{key}") if key in extra else value
            for key, value in base.items()
        }
        return {**merged, **{key: value for key, value in extra.items() if key not in base}}
    if isinstance(base, list) and isinstance(extra, list):
        if base and all(isinstance(item, list) for item in base) and extra and all(isinstance(i, list) for i in extra):
            if where.startswith(".option_words"):
                if len(extra) != len(base):
                    raise ValueError(f"conversation_es.yml{where}: one word list per option")
                return [[*mine, *theirs] for mine, theirs in zip(base, extra)]
        return [*base, *extra]
    raise ValueError(f"conversation_es.yml{where}: only word lists can be added")


def read_conversation_raw(content_dir: Path = CONTENT_DIR) -> dict:
    """conversation.yml with the Spanish words of conversation_es.yml added."""
    with open(content_dir / "conversation.yml", encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    spanish = content_dir / "conversation_es.yml"
    if spanish.exists():
        with open(spanish, encoding="utf-8") as handle:
            raw = merge_words(raw, yaml.safe_load(handle))
    return raw


@lru_cache(maxsize=2)
def load_conversation() -> ConversationContent:
    """Load and check conversation.yml (cached: read once per process)."""
    return parse_conversation(read_conversation_raw(), load_content())
