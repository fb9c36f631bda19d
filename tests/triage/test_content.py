"""The content files: schema, sources, one place per fact, plain short texts."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from triage.content import load_content, parse, read_raw
from triage.content_schema import DEPARTMENTS, iter_texts

ROOT = Path(__file__).resolve().parents[2]
# Every figure typed a second time, by hand, in a table the project owns.
REFERENCE = yaml.safe_load((ROOT / "tests" / "reference" / "facts.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def raw():
    return read_raw()


def test_content_loads_and_validates():
    content = load_content()
    assert set(content.departments) == set(DEPARTMENTS)
    assert len(content.routes) >= 17


def test_every_fact_has_a_known_source_and_a_review_date(raw):
    content = parse(raw)
    for section in ("contacts", "departments", "routes", "values", "definitions", "regions", "hours"):
        for key, item in getattr(content, section).items():
            assert item.source in content.sources, (section, key)
            assert item.reviewed.year >= 2024, (section, key)


def _broken(raw, mutate):
    data = copy.deepcopy(raw)
    mutate(data)
    with pytest.raises(ValidationError):
        parse(data)


def test_schema_rejects_an_unknown_source(raw):
    _broken(raw, lambda d: d["contacts"]["roi_phone"].__setitem__("source", "rumour"))


def test_schema_rejects_a_malformed_phone(raw):
    _broken(raw, lambda d: d["contacts"]["roi_phone"].__setitem__("value", "5035715051"))


def test_schema_rejects_a_placeholder_that_points_nowhere(raw):
    _broken(raw, lambda d: d["routes"]["imaging"]["steps"].append({"en": "Call {contact.nobody}."}))


def test_schema_rejects_a_text_without_english(raw):
    _broken(raw, lambda d: d["routes"]["imaging"].__setitem__("title", {"es": "Imágenes"}))


def test_schema_rejects_translations_with_different_placeholders(raw):
    _broken(raw, lambda d: d["routes"]["imaging"]["steps"][0].__setitem__("es", "Llame a Imágenes."))


def test_a_spanish_text_can_be_added_beside_english(raw):
    data = copy.deepcopy(raw)
    data["routes"]["imaging"]["steps"][0]["es"] = "Llame a Imágenes al {contact.imaging_phone}."
    data["routes"]["imaging"]["steps"][1].pop("es", None)  # a text without Spanish falls back to English
    content = parse(data)
    assert content.routes["imaging"].steps[0].get("es").startswith("Llame")
    assert content.routes["imaging"].steps[1].get("es") == content.routes["imaging"].steps[1].get("en")


def test_schema_rejects_an_unknown_department(raw):
    _broken(raw, lambda d: d["routes"]["imaging"].__setitem__("department", "billing"))


def test_schema_rejects_extra_fields(raw):
    _broken(raw, lambda d: d["routes"]["imaging"].__setitem__("phone", "503-571-8451"))


PHONE = re.compile(r"\b\d{3}-\d{3}-\d{4}\b")
EMAIL = re.compile(r"\b[\w.]+@[\w.]+\.[a-z]{2,}\b")
MONEY = re.compile(r"\$\d+(?:\.\d\d)?")


def test_phone_numbers_emails_and_fees_live_in_one_place(raw):
    """Texts refer to contacts and fees by placeholder; nobody types them twice."""
    content = parse(raw)
    for where, text in iter_texts(dict(content)):
        if where.startswith(("contacts.", "values.")):
            continue
        assert not PHONE.search(text), where
        assert not EMAIL.search(text), where
        assert not MONEY.search(text), where


def test_each_contact_value_is_defined_once_per_kind():
    content = load_content()
    seen = {}
    for key, contact in content.contacts.items():
        if contact.kind in ("web",):
            continue
        # the same number may be a different contact point (ROI toll free = main toll free)
        seen.setdefault((contact.kind, contact.value), []).append(key)
    assert all(len(keys) <= 2 for keys in seen.values()), seen


def test_contact_values_match_the_reference():
    """Every phone, fax, email and address is spelled as in the reference table, and
    every contact in the table is in the content."""
    contacts = {key: c.value for key, c in load_content().contacts.items() if c.kind != "web"}
    assert contacts == REFERENCE["contacts"]


def test_fees_and_time_frames_match_the_reference():
    values = load_content().values
    assert set(values) == set(REFERENCE["values"])
    for key, expected in REFERENCE["values"].items():
        assert values[key].text.get("en") == expected["text"], key
        amount = values[key].amount
        assert (None if amount is None else float(amount)) == expected.get("amount"), key


def test_sources_are_public_pages_not_files():
    for key, source in load_content().sources.items():
        assert source.url.startswith("https://"), key
        assert ".." not in source.url, key


def test_the_reference_check_catches_a_typo(raw):
    data = copy.deepcopy(raw)
    data["contacts"]["roi_phone"]["value"] = "503-571-5015"
    contacts = {key: c.value for key, c in parse(data).contacts.items() if c.kind != "web"}
    assert contacts != REFERENCE["contacts"]


def test_python_code_has_no_contact_details():
    """No phone number, email or fee is typed into Python code."""
    for path in list((ROOT / "triage").glob("*.py")) + list((ROOT / "actions").glob("*.py")):
        source = path.read_text(encoding="utf-8")
        assert not PHONE.search(source), path
        assert not EMAIL.search(source), path
        assert not MONEY.search(source), path


def test_user_texts_are_short_and_plain():
    for where, text in iter_texts(dict(load_content())):
        if where.startswith(("sources", "contacts", "vocabulary")):
            continue
        assert len(text) <= 320, (where, len(text))
        assert "*" not in text and "<" not in text, where
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            assert len(sentence.split()) <= 45, (where, sentence)


def test_vocabulary_covers_every_engine_value():
    from triage.engine import CLINICIAN_RECIPIENTS, PORTAL_RECORD_KINDS, ROI_IMAGING_KINDS, THIRD_PARTY_RECIPIENTS

    vocabulary = load_content().vocabulary
    assert PORTAL_RECORD_KINDS <= set(vocabulary["record_kind"])
    assert CLINICIAN_RECIPIENTS | THIRD_PARTY_RECIPIENTS <= set(vocabulary["recipient"])
    assert ROI_IMAGING_KINDS <= set(vocabulary["imaging_kind"])
    for slot, question in load_content().messages.questions.items():
        for option in question.options:
            for entity, value in option.facts.items():
                assert value in vocabulary[entity], (slot, entity, value)


def test_placeholder_errors_name_each_unknown_placeholder_once():
    from triage.content import load_content
    from triage.content_schema import Text, placeholder_errors

    values = dict(load_content())
    contact = next(iter(values["contacts"]))
    tree = {
        "x": {
            "ok": Text.parse_obj({"en": f"Call {{contact.{contact}}} about {{department}}."}),
            "bad": Text.parse_obj({"en": "See {contact.nobody} and {mystery}."}),
            "own": Text.parse_obj({"en": "Reply {n}."}),
        }
    }
    assert placeholder_errors(tree, values) == [
        "x.bad[en]: unknown placeholder {contact.nobody}",
        "x.bad[en]: unknown placeholder {mystery}",
        "x.own[en]: unknown placeholder {n}",
    ]
    own = placeholder_errors(
        tree, values, also_known=lambda where, kind, ref: where.startswith("x.own") and kind == "n"
    )
    assert own == placeholder_errors(tree, values)[:2]


def test_a_definition_names_a_known_department():
    from triage.content_schema import Definition

    raw = {"term": {"en": "X"}, "text": {"en": "Y"}, "source": "kpnw_records_forms", "reviewed": "2026-12-02"}
    assert Definition(**raw, department="roi").department == "roi"
    with pytest.raises(ValueError, match="department"):
        Definition(**raw, department="cafeteria")


def _booleans_in_lists(node, where="") -> list:
    if isinstance(node, dict):
        return [b for key, value in node.items() for b in _booleans_in_lists(value, f"{where}.{key}")]
    if isinstance(node, list):
        found = [where for item in node if isinstance(item, bool)]
        return found + [b for item in node for b in _booleans_in_lists(item, where)]
    return []


@pytest.mark.parametrize("path", sorted((ROOT / "content").glob("*.yml")), ids=lambda p: p.name)
def test_no_word_list_holds_a_yaml_boolean(path):
    """YAML reads a bare no, yes, on or off as a boolean: in a word list it would
    become the word "False" and never match ("no" in no_email's needs did)."""
    assert _booleans_in_lists(yaml.safe_load(path.read_text(encoding="utf-8"))) == []
