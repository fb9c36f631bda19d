"""Which language a conversation is in (triage/language.py) and the step using it."""

from __future__ import annotations

import pytest

from triage.content import load_content
from triage.conversation_content import load_conversation
from triage.converse import Said, State, step
from triage.language import chosen, decide, detect
from triage.render import Renderer
from triage.vocabulary import clean, fold


@pytest.mark.parametrize(
    "text, language",
    [("Español", "es"), ("espanol", "es"), ("EN ESPAÑOL POR FAVOR", "es"), ("English", "en"), ("inglés", "en")],
)
def test_a_choice_of_language(text, language):
    assert chosen(text) == language


@pytest.mark.parametrize("text", ["I need my records in Spanish for my mom", "español o inglés", "records"])
def test_a_choice_is_the_whole_message(text):
    assert chosen(text) is None


@pytest.mark.parametrize(
    "text, language",
    [
        ("necesito mis records", "es"),
        ("el FMLA pa mi trabajo", "es"),
        ("me duele el pecho", "es"),
        ("hola", "es"),
        ("i need my records", "en"),
        ("i need my dental x-rays", "en"),
    ],
)
def test_first_messages_set_the_language(text, language):
    assert decide(None, False, text).language == language


@pytest.mark.parametrize("text", ["Salem", "2", "records", "ok"])
def test_a_word_that_says_nothing_leaves_it_unknown(text):
    assert decide(None, False, text).language is None


@pytest.mark.parametrize(
    "current, text", [("es", "si"), ("es", "ok"), ("es", "the whole thing"), ("en", "gracias"), ("en", "hola")]
)
def test_a_short_reply_never_flips_a_set_language(current, text):
    assert decide(current, False, text) == decide(current, False, text).__class__(current)


def test_a_long_message_in_the_other_language_switches():
    assert decide("es", False, "I need my x-rays sent to my new doctor please").language == "en"
    assert decide("en", False, "necesito que manden mis radiografias a mi doctor nuevo").language == "es"


def test_a_choice_holds_until_the_next_choice():
    assert decide("es", True, "I need my x-rays sent to my new doctor please").language == "es"
    assert decide("es", True, "english").language == "en"


def test_folding_drops_accents_for_matching():
    assert fold("Radiografía ÚLTIMA año") == "radiografia ultima ano"
    assert clean("¿Cuánto cuesta?") == "cuanto cuesta"


def _step(state: State, text: str):
    content = load_content()
    return step(content, load_conversation(), Renderer(content, state.language or "en"), state, Said(text))


def test_the_step_confirms_a_choice_and_locks_it():
    outcome = _step(State(), "Español")
    assert outcome.kind == "language"
    assert outcome.slots == {"language": "es", "language_locked": True}
    assert "ENGLISH" in outcome.replies[0].text


def test_the_step_sets_the_language_read_from_the_words():
    outcome = _step(State(), "necesito una copia de mi expediente completo")
    assert outcome.slots["language"] == "es" and outcome.slots["language_locked"] is False
    assert _step(State(language="es"), "si").slots.get("language") is None  # unchanged: not set again


def test_spanish_route_questions_are_matched_only_in_spanish():
    from triage.converse import faq_scores

    conversation = load_conversation()
    assert "le puedo mandar fotos con el cel" in conversation.faq["photo_of_form"].questions_es
    assert "le puedo mandar fotos con el cel" not in conversation.faq["photo_of_form"].questions
    text = "la puedo mandar en foto? no tengo escaner"
    best = max(faq_scores(conversation, text, "es"), key=lambda pair: pair[1])
    assert best[0] == "photo_of_form"
    assert max(score for key, score in faq_scores(conversation, text, "en") if key == "photo_of_form") < best[1]


def test_a_typo_in_the_spanish_words_is_an_error():
    from triage.conversation_content import merge_words

    with pytest.raises(ValueError, match="unknown keys"):
        merge_words({"asks": {"phone": ["phone"]}}, {"asks": {"phon": ["telefono"]}})
    assert merge_words({"asks": {"phone": ["phone"]}}, {"asks": {"phone": ["telefono"]}}) == {
        "asks": {"phone": ["phone", "telefono"]}
    }


def test_warm_builds_the_detector_once_for_the_server():
    from triage.language import _detector, warm

    warm()
    assert _detector.cache_info().currsize == 1
    hits = _detector.cache_info().hits
    detect("necesito mi expediente")
    assert _detector.cache_info().hits == hits + 1
