"""Spanish: every user-facing text of the content files has an ``es`` version with
the same placeholders as its English, and the answers built from them read in
Spanish (the few words Python adds included)."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from typing import Dict, List, Set, Tuple

import pytest
from pydantic import ValidationError

from handoff.content import load_handoff
from tests.triage.test_engine import ROUTES
from triage.content import load_agent_wording, load_content, load_service_texts, load_sms_texts
from triage.content_schema import PLACEHOLDER, Text, iter_texts
from triage.conversation_content import load_conversation
from triage.deadlines import due_dates
from triage.engine import Facts, triage
from triage.fees import estimate
from triage.letter import build_letter
from triage.render import Renderer
from triage.render_rights import RightsRenderer

pytestmark = pytest.mark.unit

LANGUAGE = "es"
# The same in both languages on purpose: an official form name the health system uses.
SAME_ON_PURPOSE = {"values.authorization_form.text"}


def all_texts() -> Dict[str, object]:
    """Every content file's texts, through the project's loaders, by file."""
    return {
        **dict(load_content()),  # organization, values, routes, definitions, messages, rights...
        "agent": load_agent_wording(),
        "sms": load_sms_texts(),
        "service": load_service_texts(),
        "conversation": load_conversation(),
        "handoff": load_handoff(),
    }


def by_place(tree: Dict[str, object]) -> Dict[str, Dict[str, str]]:
    """``iter_texts``'s (where[lang], text) pairs as where -> {lang: text}."""
    places: Dict[str, Dict[str, str]] = defaultdict(dict)
    for where, text in iter_texts(tree):
        place, language = re.fullmatch(r"(.*)\[([a-z]{2})\]", where).groups()
        places[place][language] = text
    return dict(places)


def missing_language(tree: Dict[str, object], language: str = LANGUAGE) -> List[str]:
    return [place for place, texts in by_place(tree).items() if language not in texts]


def placeholder_mismatches(tree: Dict[str, object], language: str = LANGUAGE) -> List[Tuple[str, Set, Set]]:
    problems = []
    for place, texts in by_place(tree).items():
        if language in texts:
            english, other = (set(PLACEHOLDER.findall(texts[lang])) for lang in ("en", language))
            if english != other:
                problems.append((place, english, other))
    return problems


TEXTS = all_texts()
PLACES = by_place(TEXTS)


def test_every_text_has_spanish():
    assert missing_language(TEXTS) == []


@pytest.mark.parametrize(
    "section",
    ["organization", "regions", "hours", "contacts", "departments", "values", "routes", "definitions"]
    + ["messages", "rights", "agent", "sms", "service", "conversation", "handoff"],
)
def test_every_file_is_walked(section):
    """The walk reaches each file's texts (a loader left out would pass the test above)."""
    assert any(place.split(".")[0].split("[")[0] == section for place in PLACES), section


def test_spanish_uses_the_same_placeholders_as_english():
    assert placeholder_mismatches(TEXTS) == []


def test_the_checks_catch_a_broken_text():
    # the schema refuses different placeholders; built without it, the test's own check catches it
    broken = {"en": "Call {contact.roi_phone}.", "es": "Llame a ROI."}
    with pytest.raises(ValidationError, match="different placeholders"):
        Text.parse_obj(broken)
    sample = {"sample": {"text": Text.construct(__root__=broken)}}
    assert placeholder_mismatches(sample) == [("sample.text", {("contact", "roi_phone")}, set())]
    assert missing_language({"sample": [Text.parse_obj({"en": "Hello."})]}) == ["sample[0]"]


def test_spanish_is_written_not_copied_and_short_enough_for_sms():
    for place, texts in PLACES.items():
        english, spanish = texts["en"], texts[LANGUAGE]
        assert len(spanish) <= 320, (place, len(spanish))
        if len(english.split()) >= 4 and place not in SAME_ON_PURPOSE:
            assert spanish != english, place


def test_every_route_renders_in_spanish_with_its_placeholders_filled():
    content = load_content()
    render = Renderer(content, LANGUAGE)
    for facts, _, department in ROUTES:
        texts = [reply.text for reply in render.route(triage(Facts(**facts), content))]
        assert not any("{" in t or "}" in t for t in texts), texts
        assert texts[0].startswith("Vaya a:") or department is None
        assert any(t.startswith("Pasos:\n1. ") for t in texts)
        assert "Where to go" not in "\n".join(texts) and "Steps:" not in "\n".join(texts)


def test_words_python_adds_are_spanish_too():
    content = load_content()
    render = RightsRenderer(content, LANGUAGE)
    fee = render.fee_estimate(estimate(content, 120, "WA")).text
    assert "30 páginas x $1.24 = $37.20" in fee and "cargo por trabajo de oficina = $28.00" in fee
    assert "pages" not in fee and "clerical fee" not in fee
    dates = render.due_dates(dt.date(2026, 10, 1), due_dates(content, dt.date(2026, 10, 1), "WA", dt.date(2026, 10, 2)))
    assert "jueves 1 de octubre de 2026" in dates.text and "Thu" not in dates.text
    letter = build_letter(content, render.fill, "WA", language=LANGUAGE)
    assert "45 CFR 164.524 y RCW 70.02" in letter.text and letter.title.startswith("Solicitud")
    information_only = render.route(triage(Facts(request="provider_fax"), content))
    assert information_only[0].text.startswith("Los proveedores")
    route = triage(Facts(request="provider_fax"), content)
    assert "That team" not in render.followup("time", route).text
    # English is unchanged
    english = RightsRenderer(content).fee_estimate(estimate(content, 120, "WA")).text
    assert "30 pages x $1.24 = $37.20" in english and "clerical fee = $28.00" in english


def test_the_first_sms_of_a_spanish_route_answer_names_the_whole_department():
    """Department names are short enough in Spanish for the one-segment first SMS
    (a long one is cut there, and the answer loses where to go)."""
    from channels.render import for_sms
    from channels.sms_text import plain
    from triage.render import to_dispatch

    content = load_content()
    render = Renderer(content, LANGUAGE)
    for facts, route_id, department in ROUTES:
        if department is None:
            continue
        messages = []
        for reply in render.route(triage(Facts(**facts), content)):
            sent = to_dispatch(reply)
            messages.append({"text": sent["text"], "part": sent["part"], "custom": sent.get("json_message")})
        first = for_sms(messages, LANGUAGE).messages[0]
        assert first.startswith(plain(render.heading("department", department=department))), (route_id, first)
