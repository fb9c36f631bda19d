"""The NLU data itself: the held-out test set stays held out, and enough of it."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from rasa.shared.nlu.training_data.loading import load_data

ROOT = Path(__file__).resolve().parents[2]


def norm(text: str) -> str:
    return re.sub(r"[^\w ]", "", text.lower()).strip()


# Every training file (hand-written, rights intents, CLINC out-of-scope).
TRAINING_FILES = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "data").glob("nlu*.yml"))


def examples(path: str):
    return load_data(str(ROOT / path)).training_examples


def test_holdout_is_never_in_the_training_data():
    training = {norm(e.get("text")) for f in TRAINING_FILES for e in examples(f)}
    leaked = [e.get("text") for e in examples("tests/nlu/holdout.yml") if norm(e.get("text")) in training]
    assert leaked == []


def test_holdout_has_at_least_five_phrasings_per_intent():
    training_intents = {e.get("intent") for f in TRAINING_FILES if "clinc" not in f for e in examples(f)}
    counts = Counter(e.get("intent") for e in examples("tests/nlu/holdout.yml"))
    assert set(counts) == training_intents
    assert min(counts.values()) >= 5, counts


def test_clinc_evaluation_messages_are_not_trained_on():
    from scripts.make_oos_nlu import eval_messages

    training = {norm(e.get("text")) for f in TRAINING_FILES for e in examples(f)}
    evaluation = {norm(t) for t in eval_messages()}
    # only the one-word greetings are common to everything
    assert training & evaluation <= {"hi", "hello", "hey"}, sorted(training & evaluation)
