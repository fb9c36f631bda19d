"""Every answer the assistant can give, shaped for SMS, within SMS limits.

Routes in every region, questions, two requests in one message, follow-ups,
fallback, hand-off, the domain's responses and the SMS channel's own texts.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from channels.render import for_sms
from channels.sms_text import HARD_LIMIT, MAX_MESSAGES, SOFT_LIMIT, gsm7_length, is_gsm7
from tests.channels.answers import CONTENT, RENDER, all_answers
from tests.conftest import FIGURES
from triage.content import load_sms_texts

ROOT = Path(__file__).resolve().parents[2]
ANSWERS = list(all_answers())
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


def test_every_answer_fits_sms_limits_and_is_plain_gsm7():
    within_soft = total = longest = 0
    for name, messages in ANSWERS:
        sms = shaped(messages).messages
        assert 1 <= len(sms) <= MAX_MESSAGES, name
        for text in sms:
            assert gsm7_length(text) <= HARD_LIMIT, (name, len(text))
            assert is_gsm7(text), (name, text)
            assert not MARKUP.search(text), (name, text)
            assert "{" not in text and "}" not in text, (name, text)
            total += 1
            within_soft += gsm7_length(text) <= SOFT_LIMIT
            longest = max(longest, gsm7_length(text))
    FIGURES.append(
        f"SMS: {len(ANSWERS)} answers -> {total} messages; {within_soft / total:.0%} within {SOFT_LIMIT} characters; "
        f"longest {longest} (limit {HARD_LIMIT}); at most {MAX_MESSAGES} messages each"
    )


def test_single_answers_stay_short():
    """One route answer (or the overdue path, which is steps plus dates): messages
    of at most 480 characters; other single answers within 320."""
    route_messages = []
    for name, messages in ANSWERS:
        sms = shaped(messages).messages
        if name.startswith(("route ", "rights overdue ")):
            route_messages += [gsm7_length(t) for t in sms]
            assert max(gsm7_length(t) for t in sms) <= 480, (name, [len(t) for t in sms])
        elif not name.startswith("two requests"):
            assert all(gsm7_length(t) <= SOFT_LIMIT for t in sms), (name, sms)
    within = sum(1 for n in route_messages if n <= SOFT_LIMIT)
    FIGURES.append(
        f"SMS route answers: {len(route_messages)} messages; {within / len(route_messages):.0%} within {SOFT_LIMIT} "
        f"characters; longest {max(route_messages)}"
    )


def test_every_route_answer_starts_with_the_department_and_a_contact():
    for name, messages in ANSWERS:
        if not name.startswith("route "):
            continue
        card = messages[0]["custom"]
        first = shaped(messages).messages[0]
        if card["department_name"]:
            assert first.startswith(RENDER.heading("department", department=card["department"])), name
        assert any(contact["value"] in first for contact in card["contacts"]), (name, first)


def test_nothing_is_lost_when_an_answer_is_shaped():
    for name, messages in ANSWERS[:400]:
        words = " ".join(shaped(messages).messages).split()
        for message in messages:
            for word in (message.get("text") or "").split():
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


@pytest.mark.parametrize("key", ["help", "resumed", "empty", "too_long", "error"])
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
