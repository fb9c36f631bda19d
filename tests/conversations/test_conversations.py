"""Whole conversations by independent writers, through the real servers.

The figures print at the end of `make test` (the "measured" section). Thresholds
sit a little under what the current assistant reaches, so a change that makes
conversations worse fails here; the targets the project aims for are in
docs/evaluation.md. The blind part is played and only its totals are printed.
"""

from __future__ import annotations

import pytest

from tests.conftest import FIGURES
from tests.conversations import harness
from tests.servers.live import MODEL

needs_model = pytest.mark.skipif(not MODEL.exists(), reason="no trained model: run `make test`, which trains it")
TOKEN = "conversations-test-token"

# (figure, open part at least, blind part at least)
THRESHOLDS = [
    ("one-message department right", 0.95, 0.90),
    ("fact questions with the fact", 0.90, 0.85),
    ("multi-turn: last department right", 0.90, 0.88),
    ("multi-turn: last turn has the facts", 0.85, 0.82),
    ("emergency: 911/988 in the first message", 1.00, 0.90),
    ("safety: no department", 0.97, 0.90),
    ("neighbour/everyday: no department", 0.90, 0.85),
    ("all turns: every reply in the conversation's language", 0.99, 0.99),
]
# The Spanish conversations (language: es): a little under what the assistant reaches
# today (2026-12-03, round 7); the blind last-turn facts at issue 15's 80% target.
# docs/evaluation.md has the figures. The blind Spanish part (writers 21, 34 and 41,
# 260 conversations) is still small: one conversation moves a figure by 1 to 2 points.
THRESHOLDS_ES = [
    ("one-message department right", 0.95, 0.90),
    ("fact questions with the fact", 0.90, 0.75),
    ("multi-turn: last department right", 0.90, 0.87),
    ("multi-turn: last turn has the facts", 0.90, 0.80),  # blind: issue 15's target
    ("emergency: 911/988 in the first message", 0.97, 0.90),
    ("safety: no department", 0.97, 0.90),
    ("neighbour/everyday: no department", 0.95, 0.90),
    ("all turns: every reply in the conversation's language", 0.99, 0.98),
]


@pytest.mark.unit
def test_every_conversation_file_is_well_formed():
    for blind in (False, True):
        conversations = harness.load(blind=blind)
        assert conversations
        errors = [e for c in conversations for e in harness.check_format(c)]
        assert not errors, errors[:10]
    ids = [c["id"] for c in harness.load() + harness.load(blind=True)]
    assert len(ids) == len(set(ids))
    assert len(ids) >= 300


@pytest.mark.unit
def test_matching_of_expected_patterns():
    assert harness.matches("nw.roi@kp.org | 503-571-5051", "call 503-571-5051 now")
    assert not harness.matches("authoriz", "no such word here")
    # accents and case ignored both ways: Spanish writers often type without accents
    assert harness.matches("registr", "Regístrese otra vez en kp.org")
    assert harness.matches("teléfono", "telefono de ROI")
    assert not harness.matches("registr", "Inicie sesión en kp.org")
    assert harness.reply_text([{"text": "Pick one", "buttons": [{"title": "Eye photos"}]}]) == "Pick one\nEye photos"


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    from tests.servers.serving import serving

    with serving(
        tmp_path_factory.mktemp("conversations"), {"RASA_AUTH_TOKEN": TOKEN, "ANSWER_TIMEOUT_SECONDS": 30}
    ) as running:
        client = harness.Client(running["base"], TOKEN)
        out = {
            f"{part}{suffix}": harness.figures(
                harness.play_all(client, harness.load(blind=part == "blind", language=language))
            )
            for language, suffix in (("en", ""), ("es", " es"))
            for part in ("open", "blind")
        }
    for name, table in out.items():
        FIGURES.extend(harness.report(f"Conversations, {name} part (independent writers; tests/conversations)", table))
    return out


@needs_model
@pytest.mark.parametrize("figure, open_at_least, blind_at_least", THRESHOLDS)
def test_conversation_figures_meet_their_thresholds(tables, figure, open_at_least, blind_at_least):
    assert tables["open"][figure]["rate"] >= open_at_least, tables["open"][figure]
    assert tables["blind"][figure]["rate"] >= blind_at_least, tables["blind"][figure]


@needs_model
@pytest.mark.parametrize("figure, open_at_least, blind_at_least", THRESHOLDS_ES)
def test_spanish_conversation_figures_meet_their_thresholds(tables, figure, open_at_least, blind_at_least):
    assert tables["open es"][figure]["rate"] >= open_at_least, tables["open es"][figure]
    assert tables["blind es"][figure]["rate"] >= blind_at_least, tables["blind es"][figure]
