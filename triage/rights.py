"""Which law applies, and which rights answer to give. No Rasa imports.

Jurisdictions are ``federal`` (HIPAA, used when the person does not say), ``WA``,
``CA`` and ``OR``. A person names them by place ("I'm in Spokane" -> WA, through
``organization.yml`` places) or by law ("HIPAA", "Texas" -> federal).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, List, Optional

from triage.content_schema import Content, RightsTopic, Text
from triage.vocabulary import clean, longest_phrase, normalize

FEDERAL = "federal"

# Intent -> rights topic (content/rights.yml `topics`).
TOPIC_FOR_INTENT = {
    "ask_right_to_records": "access",
    "ask_denial_rights": "refusal",
    "ask_record_format": "format",
    "ask_free_copy": "free_copies",
    "ask_explain_codes": "codes",
    "ask_correction_rights": "correction",
    "ask_complaint": "complaint",
    "ask_records_fees": "fees",
    "ask_records_deadline": "deadline",
}

# Every intent the rights actions answer (each sets the `department` slot).
RIGHTS_INTENTS = (*TOPIC_FOR_INTENT, "report_overdue_request", "request_records_letter")

# Department that handles what each topic is about (the `department` slot).
TOPIC_DEPARTMENT = {"codes": "clinical_team"}
DEFAULT_RIGHTS_DEPARTMENT = "roi"


def jurisdiction_of(
    content: Content, region: Optional[str] = None, jurisdiction: Optional[str] = None
) -> Optional[str]:
    """The jurisdiction for canonical ``region`` / ``jurisdiction`` values, if any."""
    if jurisdiction in ("federal", "other_state"):
        return FEDERAL
    if region and region in content.places:
        return content.places[region].state
    return None


NAMED_LAW = re.compile(
    r"\b(california|washington|oregon)(?: state)? (?:law|laws|rules|statute|statutes|code)\b"
    r"|\bunder (california|washington|oregon)\b"
)


def detect_jurisdiction(content: Content, text: str = "", entities: Iterable[dict] = ()) -> Optional[str]:
    """The jurisdiction a message names: from extracted entities first, else from
    the words themselves (the longest place or law phrase wins, so "Federal Way"
    is Washington). ``None`` when the message names none."""
    cleaned = clean(text or "")
    # a state's law named outright wins over a place the person lives ("I moved from
    # LA to Portland ... what are my rights under California law?")
    named_law = NAMED_LAW.search(cleaned)
    if named_law:
        state = named_law.group(1) or named_law.group(2)
        found = jurisdiction_of(content, region=longest_phrase(content.vocabulary.get("region", {}), [state])[1])
        if found:
            return found
    for entity in entities or ():
        name = entity.get("entity")
        if name in ("region", "jurisdiction"):
            value = normalize(content, name, entity.get("value"))
            found = jurisdiction_of(content, **{name: value}) if value else None
            if found:
                return found
    if not cleaned:
        return None
    region = longest_phrase(content.vocabulary.get("region", {}), [cleaned])
    law = longest_phrase(content.vocabulary.get("jurisdiction", {}), [cleaned])
    if region[0] == 0 and law[0] == 0:
        return None
    if region[0] >= law[0]:
        return jurisdiction_of(content, region=region[1])
    return jurisdiction_of(content, jurisdiction=law[1])


def differs_by_state(topic: RightsTopic) -> bool:
    """True when some state has its own answer for the topic."""
    return topic.by_state and any(key != FEDERAL for key in topic.answers)


def needs_state_question(content: Content, topic_key: str, jurisdiction: Optional[str], asked: bool) -> bool:
    """Ask "which state?" once, only when the answer depends on it."""
    return jurisdiction is None and not asked and differs_by_state(content.rights.topics[topic_key])


@dataclass(frozen=True)
class RightsAnswer:
    topic: str
    jurisdiction: str  # the jurisdiction whose rules the text gives
    asked_for: str  # the jurisdiction the person is in (or federal)
    text: Text
    follows_federal: bool  # the state has no own rule and uses the federal one
    policy: Optional[Text]
    next: List[str]


def answer(content: Content, topic_key: str, jurisdiction: Optional[str]) -> RightsAnswer:
    """The answer for ``topic_key`` under ``jurisdiction`` (federal when None)."""
    topic = content.rights.topics[topic_key]
    asked_for = jurisdiction or FEDERAL
    if asked_for in topic.answers:
        used, follows = asked_for, False
    else:
        used, follows = FEDERAL, asked_for != FEDERAL
    return RightsAnswer(
        topic=topic_key,
        jurisdiction=used,
        asked_for=asked_for,
        text=topic.answers[used].text,
        follows_federal=follows,
        policy=topic.policy,
        next=list(topic.next),
    )


def laws_cited(content: Content, jurisdiction: Optional[str]) -> List[str]:
    """The laws a records request can cite: HIPAA, plus the state's own law."""
    laws = [content.rights.jurisdictions[FEDERAL].law]
    where = jurisdiction or FEDERAL
    state = content.rights.jurisdictions.get(where)
    if state is not None and where != FEDERAL and state.law:
        laws.append(state.law)
    return [law for law in laws if law]
