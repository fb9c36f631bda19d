"""Entity text -> canonical values."""

from __future__ import annotations

import pytest

from triage.content import load_content
from triage.vocabulary import facts_from_entities, generic_facts, normalize

CONTENT = load_content()


@pytest.mark.parametrize(
    "entity, raw, expected",
    [
        ("imaging_kind", "X-Rays", "xray"),
        ("imaging_kind", "xray", "xray"),
        ("imaging_kind", "MRIs", "mri"),
        ("imaging_kind", "dental x-rays", "dental"),
        ("imaging_kind", "retinal photos", "eye"),
        ("imaging_kind", "cat scan", "ct"),
        ("recipient", "my attorney", "lawyer"),
        ("recipient", "Lawyers", "lawyer"),
        ("recipient", "my dentist's office", "dentist"),
        ("recipient", "new pcp", "clinician"),
        ("recipient", "insurance company", "insurer"),
        ("requester", "my mom's", "proxy"),
        ("requester", "mom", "proxy"),
        ("record_kind", "shot records", "immunizations"),
        ("record_kind", "full medical record", "full_record"),
        ("record_kind", "medical records", "any_record"),
        ("leave_program", "FMLA", "fmla"),
        ("leave_program", "Paid Leave Oregon", "paid_leave_oregon"),
        ("leave_type", "flare-ups", "intermittent"),
        ("leave_type", "baby bonding", "bonding"),
        ("region", "Spokane", "eastern_washington"),
        ("region", "seattle", "western_washington"),
        ("region", "Vancouver", "sw_washington"),
        ("region", "Portland", "oregon"),
        ("region", "Washington", "washington"),
        ("region", "eastern_washington", "eastern_washington"),
    ],
)
def test_normalize(entity, raw, expected):
    assert normalize(CONTENT, entity, raw) == expected


@pytest.mark.parametrize(
    "entity, raw", [("imaging_kind", "pizza"), ("region", "Texas"), ("recipient", ""), ("unknown", "mri")]
)
def test_unknown_words_are_not_guessed(entity, raw):
    assert normalize(CONTENT, entity, raw) is None


def test_facts_from_entities_prefers_specific_record_kind():
    entities = [
        {"entity": "record_kind", "value": "records"},
        {"entity": "record_kind", "value": "full chart"},
        {"entity": "recipient", "value": "my lawyer"},
        {"entity": "recipient", "value": "dentist"},
        {"entity": "color", "value": "blue"},
    ]
    assert facts_from_entities(CONTENT, entities) == {"record_kind": "full_record", "recipient": "lawyer"}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("my lawyer needs my records", {"record_kind": "any_record"}),
        ("Can they refuse to give me my CHART?", {"record_kind": "any_record"}),
        ("necesito mi expediente médico", {"record_kind": "any_record"}),
        ("send my x-rays to my dentist", {}),
        ("record the call please", {}),  # "record" alone is not a generic phrase
        ("", {}),
    ],
)
def test_generic_words_are_read_from_the_text(text, expected):
    assert generic_facts(CONTENT, text) == expected
