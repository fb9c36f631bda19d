"""Jurisdiction detection, rights answers per state, the letter, and the
rights content itself (figures exactly as in tests/reference/facts.yml, short plain texts)."""

import re
from pathlib import Path

import pytest
import yaml

from triage.content import load_content
from triage.content_schema import JURISDICTIONS
from triage.letter import BLANK, build_letter
from triage.render_rights import RightsRenderer
from triage.rights import (
    TOPIC_FOR_INTENT,
    answer,
    detect_jurisdiction,
    differs_by_state,
    laws_cited,
    needs_state_question,
)

C = load_content()
R = RightsRenderer(C)
REFERENCE = yaml.safe_load(
    (Path(__file__).resolve().parents[1] / "reference" / "facts.yml").read_text(encoding="utf-8")
)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("how much for 120 pages in Washington?", "WA"),
        ("I'm in Sacramento", "CA"),
        ("Spokane", "WA"),
        ("we go to the Federal Way clinic", "WA"),
        ("my clinic is in portland", "OR"),
        ("what does HIPAA say", "federal"),
        ("I live in Texas", "federal"),
        ("another state", "federal"),
        ("can they refuse to give me my chart?", None),
        ("", None),
    ],
)
def test_detect_jurisdiction_from_words(text, expected):
    assert detect_jurisdiction(C, text) == expected


def test_entities_win_over_words():
    entities = [{"entity": "region", "value": "Fresno"}]
    assert detect_jurisdiction(C, "something about oregon", entities) == "CA"


def test_every_rights_intent_has_a_topic():
    assert set(TOPIC_FOR_INTENT.values()) <= set(C.rights.topics)


@pytest.mark.parametrize("topic", sorted(load_content().rights.topics))
@pytest.mark.parametrize("where", JURISDICTIONS)
def test_every_topic_answers_every_jurisdiction(topic, where):
    result = answer(C, topic, where)
    reply = R.rights(result)
    assert reply.text.count("not legal advice") == 1
    assert "{" not in reply.text
    assert len(reply.text) <= 600, "rights answers stay short enough for 3 SMS"
    assert reply.buttons
    if where not in C.rights.topics[topic].answers:
        assert result.follows_federal and "uses the federal rule" in reply.text


@pytest.mark.parametrize(
    "topic, where, figures",
    [
        ("deadline", "federal", ["30 days", "30 more days"]),
        ("deadline", "WA", ["15 working days", "21 working days"]),
        ("deadline", "CA", ["5 working days", "15 days"]),
        ("deadline", "OR", ["30 days"]),
        ("fees", "WA", ["$1.24", "30 pages", "$0.94", "$28"]),
        ("fees", "CA", ["$0.25"]),
        ("fees", "federal", ["$6.50"]),
        ("fees", "OR", ["ORS 192.563"]),
        ("free_copies", "WA", ["June 6, 2024", "2 years", "SSI"]),
        ("free_copies", "CA", ["public benefits"]),
        ("complaint", "federal", ["180 days", "Office for Civil Rights"]),
        ("complaint", "WA", ["lawyer", "bar association"]),
        ("correction", "federal", ["60 days", "30 more days", "statement of disagreement"]),
        ("correction", "WA", ["10 days", "21 days"]),
        ("correction", "CA", ["250 words"]),
        ("codes", "WA", ["codes or abbreviations"]),
        ("refusal", "WA", ["parts they can", "another provider"]),
        ("refusal", "federal", ["therapy notes", "licensed professional"]),
    ],
)
def test_answers_carry_the_figures_for_the_state(topic, where, figures):
    text = R.rights(answer(C, topic, where)).text
    for figure in figures:
        assert figure in text


@pytest.mark.parametrize(
    "value",
    [
        "hipaa_flat_fee",
        "wa_page_fee_first",
        "wa_page_fee_after",
        "wa_clerical_fee",
        "ca_page_fee",
        "ocr_complaint_days",
    ],
)
def test_legal_figures_are_spelled_as_in_the_reference(value):
    assert C.values[value].text.get() == REFERENCE["values"][value]["text"]


def test_state_question_offers_each_state_and_another():
    reply = R.state_question()
    assert [b.title for b in reply.buttons] == ["Washington", "Oregon", "California", "Another state"]
    for button in reply.buttons:
        assert button.payload.startswith("/inform{")


def test_state_is_asked_once_and_only_when_it_matters():
    assert differs_by_state(C.rights.topics["fees"])
    assert needs_state_question(C, "fees", None, asked=False)
    assert not needs_state_question(C, "fees", None, asked=True)
    assert not needs_state_question(C, "fees", "WA", asked=False)


def test_laws_cited():
    assert laws_cited(C, None) == ["45 CFR 164.524"]
    assert laws_cited(C, "federal") == ["45 CFR 164.524"]
    assert laws_cited(C, "WA") == ["45 CFR 164.524", "RCW 70.02"]
    assert laws_cited(C, "CA") == ["45 CFR 164.524", "California Health and Safety Code 123110"]
    assert laws_cited(C, "OR") == ["45 CFR 164.524"]


def test_letter_has_blanks_for_identifiers_and_cites_the_law():
    draft = build_letter(C, R.fill, "WA", imaging_kind="mri", copy_format="paper")
    assert {"full_name", "date_of_birth", "record_number", "signature", "date", "date_range", "delivery"} <= set(
        draft.blanks
    )
    assert "records" not in draft.blanks and "format" not in draft.blanks  # known from the chat
    assert "My MRI images and reports" in draft.text and "Paper copy" in draft.text
    assert "45 CFR 164.524 and RCW 70.02" in draft.text
    assert draft.text.count(BLANK) == len(draft.blanks)
    assert "nw.roi@kp.org" in draft.text
    payload = draft.payload()
    assert payload["type"] == "letter" and payload["text"] == draft.text
    assert all(isinstance(p, str) or set(p) == {"blank", "label"} for p in payload["parts"])


def test_letter_without_known_facts_leaves_blanks():
    draft = build_letter(C, R.fill, None)
    assert {"records", "format"} <= set(draft.blanks)
    assert "RCW" not in draft.text


def test_letter_record_names_cover_the_vocabulary():
    names = set(C.rights.letter.record_names)
    kinds = (set(C.vocabulary["record_kind"]) - {"any_record"}) | set(C.vocabulary["imaging_kind"])
    assert kinds == names


def test_the_letter_is_one_part_with_its_card_and_each_channel_has_its_words():
    reply = R.letter(build_letter(C, R.fill, "CA"))
    assert reply.part == "letter" and reply.card["type"] == "letter"
    assert "Fill in the blanks" in reply.text and "My full name" in reply.text  # text-only channels get it whole
    laws = reply.card["laws"]
    assert "123110" in laws or "Health" in laws
    short = R.letter_words("short", laws)
    assert "I ask for a copy under" in short and laws in short and len(short) <= 320
    assert R.letter_words("readout", laws).startswith("Tell the caller") and laws in R.letter_words("readout", laws)
    assert "My full name" not in R.letter_words("offer", laws)


def test_rights_texts_are_plain_and_short():
    """Plain words: short sentences, no legal Latin, nothing copied as a wall."""
    for key, topic in C.rights.topics.items():
        for where, item in topic.answers.items():
            text = item.text.get()
            sentences = [s for s in re.split(r"(?<=[.!?])\s+", text) if s]
            assert max(len(s.split()) for s in sentences) <= 30, (key, where)
            assert not re.search(r"\b(pursuant|hereby|thereof|notwithstanding|shall)\b", text, re.I), (key, where)


def test_every_region_has_its_own_letter_address_and_where_to_send_it():
    from triage.engine import region_of
    from triage.letter import build_letter
    from triage.render_rights import RightsRenderer

    content = load_content()
    render = RightsRenderer(content, "en")
    roi = content.departments["roi"].contacts
    texts = {}
    for region in content.regions:
        draft = build_letter(content, render.fill, "WA", region=region)
        texts[region] = draft.text + render.send_to(region)
        assert all(content.contacts[c].value not in texts[region] for r in roi if r != region for c in roi[r])
        assert any(content.contacts[c].value in texts[region] for c in roi[region]), region
        assert draft.payload()["region"] == region
    assert len(set(texts.values())) == len(texts)  # no two regions get the same letter
    assert region_of(content, "western_washington") == "kp_washington_west"
    assert region_of(content, "washington") == region_of(content, None) == region_of(content, "nowhere")


def test_a_letter_without_a_region_address_line_is_refused():
    from triage.content_schema import Content

    raw = load_content().dict()
    raw["rights"]["letter"]["lines"] = [
        line for line in raw["rights"]["letter"]["lines"] if line.get("regions") != ["kp_washington_east"]
    ]
    with pytest.raises(ValueError, match="no address line for region 'kp_washington_east'"):
        Content.parse_obj(raw)
