"""Every answer the assistant can give, shaped for SMS, within SMS limits.

Routes in every region, questions, two requests in one message, follow-ups,
fallback, hand-off, the domain's responses and the SMS channel's own texts.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from channels.render import for_sms
from channels.sms_text import HARD_LIMIT, PAGE_LIMIT, gsm7_length, is_gsm7, plain, segments
from tests.channels.answers import CONTENT, RENDER, all_answers
from tests.conftest import FIGURES
from triage.content import load_sms_texts
from triage.render import Renderer

ROOT = Path(__file__).resolve().parents[2]
RENDERS = {language: Renderer(CONTENT, language) for language in ("en", "es")}
ANSWERS = [(f"{language} {name}", messages) for language in ("en", "es") for name, messages in all_answers(language)]
MARKUP = re.compile(r"\*\*|__|<[a-zA-Z/]|\]\(|&[a-z]+;|^#", re.M)


_SHAPED = {}


def shaped(messages):
    key = id(messages)
    if key not in _SHAPED:
        _SHAPED[key] = for_sms(messages)
    return _SHAPED[key]


def test_the_answer_list_covers_every_route_question_and_response():
    names = " ".join(name for name, _ in ANSWERS)
    for route_id in CONTENT.routes:
        assert f"route {route_id}/" in names, route_id
    for slot in CONTENT.messages.questions:
        assert f"question {slot} " in names, slot
    for kind in (
        "followup contact",
        "followup time",
        "followup cost",
        "followup include",
        "followup hours",
        "fallback",
        "handoff general",
        "two requests",
        "response utter_greet",
    ):
        assert kind in names, kind
    assert len(ANSWERS) > 1000


def every_text(messages):
    """The first reply and every page sent on MORE."""
    result = shaped(messages)
    return result.messages + result.more


def test_every_answer_fits_sms_limits_and_is_plain_gsm7():
    within_soft = total = longest = 0
    for name, messages in ANSWERS:
        sms = shaped(messages).messages
        assert 1 <= len(sms) <= 3, name  # safety, the first message, a question
        for text in every_text(messages):
            assert gsm7_length(text) <= HARD_LIMIT, (name, len(text))
            assert is_gsm7(text), (name, text)
            assert not MARKUP.search(text), (name, text)
            assert "{" not in text and "}" not in text, (name, text)
            total += 1
            within_soft += segments(text) <= 2
            longest = max(longest, gsm7_length(text))
    FIGURES.append(
        f"SMS: {len(ANSWERS)} answers -> {total} texts (first replies and MORE pages); {within_soft / total:.0%} "
        f"within 2 segments; longest {longest} characters (limit {HARD_LIMIT})"
    )


def has_card(messages):
    return any(m.get("part") == "department_card" and (m.get("custom") or {}).get("contacts") for m in messages)


def test_every_answer_with_a_department_starts_with_one_segment_naming_it_and_a_contact():
    """Routes in every region, two requests in one message: the first message
    alone is one GSM-7 segment with where to go and how to reach them."""
    firsts = 0
    for name, messages in ANSWERS:
        if not has_card(messages):
            continue
        card = next(m["custom"] for m in messages if m.get("part") == "department_card")
        first = shaped(messages).messages[0]
        assert is_gsm7(first) and gsm7_length(first) <= 160 and segments(first) == 1, (name, first)
        if card["department_name"]:
            heading = RENDERS[name[:2]].heading("department", department=card["department"])
            assert first.startswith(plain(heading)), name
        assert any(contact["value"] in first for contact in card["contacts"]), (name, first)
        firsts += 1
    assert firsts >= 258 + 500


def test_the_first_message_ends_with_the_more_hint_when_there_is_more():
    hints = {plain(render.fill(text)) for render in RENDERS.values() for text in load_sms_texts().more.values()}
    for name, messages in ANSWERS:
        result = shaped(messages)
        if has_card(messages):
            assert result.more, name  # a route answer always has steps to send
            assert result.messages[0].split("\n")[-1] in hints, (name, result.messages[0])
        for page in result.more[:-1]:
            assert page.split("\n")[-1] in hints, (name, page)
        if result.more:
            assert result.more[-1].split("\n")[-1] not in hints, name


def test_every_more_page_is_at_most_two_segments():
    pages = 0
    for name, messages in ANSWERS:
        for page in shaped(messages).more:
            assert segments(page) <= 2 and gsm7_length(page) <= PAGE_LIMIT, (name, page)
            pages += 1
    assert pages > 1000


def test_first_replies_without_a_question_are_at_most_two_segments():
    """Questions and the fallback are sent whole (their numbered options are what
    to answer), everything else starts within two segments."""
    for name, messages in ANSWERS:
        texts = shaped(messages).messages
        if any(m.get("part") in ("choices", "fallback") for m in messages):
            assert all(segments(t) <= 3 for t in texts), (name, texts)
        else:
            assert len(texts) == 1 and segments(texts[0]) <= 2, (name, texts)


def test_segment_distribution():
    """Segments of the first message and of the whole answer with every MORE
    (bench/sms_segments.py prints the same by kind of answer)."""
    from collections import Counter

    first, whole = Counter(), Counter()
    for name, messages in ANSWERS:
        if name.split(" ", 1)[1].startswith("route "):
            result = shaped(messages)
            first[segments(result.messages[0])] += 1
            whole[sum(segments(t) for t in result.messages + result.more)] += 1
    assert set(first) == {1}
    FIGURES.append(
        f"SMS route answers ({sum(first.values())}): first message segments {dict(sorted(first.items()))}; "
        f"whole answer with every MORE {dict(sorted(whole.items()))}"
    )


def test_a_washington_route_names_the_washington_office_first():
    from tests.channels.answers import _message as message
    from tests.channels.answers import all_routes

    for name, route in all_routes():
        if "/western_washington/" not in name or not name.startswith("roi_own_copy/"):
            continue
        first = for_sms([message(r) for r in RENDER.route(route)]).messages[0]
        assert "866-656-4184" in first and "Western Washington" in first, first
        assert "503-571-5051" not in first and "nw.roi@kp.org" not in first, first
        return
    raise AssertionError("no western_washington roi route")


def test_nothing_is_lost_when_an_answer_is_shaped():
    """Every word of every part is sent, in the first reply or on MORE (only the
    "How to reach them:" heading goes when the first message has every contact whole)."""
    contacts_heading = RENDER.heading("contacts")
    for name, messages in ANSWERS[:400] + [a for a in ANSWERS if "western_washington" in a[0]][:200]:
        words = " ".join(every_text(messages)).split()
        for message in messages:
            text = message.get("text") or ""
            if message.get("part") == "contacts":
                text = text.replace(contacts_heading, "").replace("\n- ", "\n")
            for word in text.split():
                assert word in words, (name, word)


def test_every_question_offers_numbered_choices_that_map_back():
    from channels.sms_text import match_choice

    for name, messages in ANSWERS:
        if not name.startswith("question "):
            continue
        result = shaped(messages)
        buttons = messages[0]["buttons"]
        assert len(result.choices) == len(buttons)
        for number, button in enumerate(buttons, 1):
            assert f"Reply {number} for {button['title']}" in result.messages[0], name
            assert match_choice(str(number), result.choices) == button["payload"]
            assert match_choice(button["title"], result.choices) == button["payload"]


@pytest.mark.parametrize("key", ["help", "resumed", "empty", "too_long", "error", "no_more"])
def test_sms_channel_texts_are_short_plain_and_name_no_number_in_code(key):
    text = RENDER.fill(getattr(load_sms_texts(), key))
    assert len(text) <= 320 and is_gsm7(text) and not MARKUP.search(text)
    assert "{" not in text


def test_help_names_the_service_and_the_roi_phone():
    text = RENDER.fill(load_sms_texts().help)
    assert CONTENT.contacts["roi_phone"].value in text
    assert "medical records" in text and "STOP" in text


def test_sms_texts_refer_to_contacts_by_placeholder():
    raw = (ROOT / "content" / "sms.yml").read_text(encoding="utf-8")
    assert not re.search(r"\d{3}-\d{3}-\d{4}", raw)
    assert "{contact.roi_phone}" in raw


def test_channel_code_has_no_contact_details():
    for path in (ROOT / "channels").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"\b\d{3}-\d{3}-\d{4}\b", source), path
        assert not re.search(r"\b[\w.]+@[\w.]+\.[a-z]{2,}\b", source), path


def test_sms_texts_schema_rejects_unknown_placeholders(tmp_path):
    import shutil

    from triage.content import CONTENT_DIR
    from triage.content import load_sms_texts as load

    for name in CONTENT_DIR.glob("*.yml"):
        shutil.copy(name, tmp_path / name.name)
    sms = tmp_path / "sms.yml"
    sms.write_text(sms.read_text().replace("{contact.roi_phone}", "{contact.nobody}"))
    with pytest.raises(ValueError, match="nobody"):
        load(str(tmp_path))
    sms.write_text(sms.read_text().replace("Reply {n} for {label}", "Reply for {label}"))
    with pytest.raises(ValueError):
        load(str(tmp_path))
