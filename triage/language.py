"""Which language a conversation is in: English or Spanish.

Pure: no Rasa imports. The language is part of the conversation state (the
``language`` slot) and only changes:

- when the person chooses (a message that is only "español" / "english", the
  widget's language button, an SMS keyword); a choice holds until the next choice;
- while it is not known yet: from a message Lingua (limited to English and
  Spanish, with the little words of each) reads with some confidence, or a short greeting that
  ``content/languages.yml`` lists ("hola");
- when no choice was made and the person writes a longer message that the detector
  is sure is the other language (the thresholds below).

So a one-word reply ("si", "ok", "Salem", "2") never flips the language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import yaml

from triage.content import CONTENT_DIR
from triage.vocabulary import fold

LANGUAGES = ("en", "es")
DEFAULT = "en"
# Thresholds on the detector's probability (English vs Spanish only), measured in
# bench/language_id.py on short messages written by people who never saw our data.
FIRST_WORDS = 2  # a language is first set from a message of this many words...
FIRST_SURE = 0.7  # ...given this probability
SWITCH_WORDS = 4  # a set language changes only on a message this long...
SWITCH_SURE = 0.98  # ...given this probability: "the whole thing" in Spanish stays Spanish
LITTLE_WEIGHT = 1.5  # how far the share of each language's little words moves Lingua's probability
WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


@dataclass(frozen=True)
class LanguageWords:
    choose: Dict[str, List[str]]
    short: Dict[str, List[str]]
    little: Dict[str, frozenset]
    confirm: Dict[str, str]


@lru_cache(maxsize=1)
def load_language_words(content_dir: Path = CONTENT_DIR) -> LanguageWords:
    with open(Path(content_dir) / "languages.yml", encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    for part in ("choose", "confirm"):
        if set(raw[part]) != set(LANGUAGES):
            raise ValueError(f"languages.yml: {part} needs exactly {LANGUAGES}")
    return LanguageWords(
        choose={k: [fold(p) for p in v] for k, v in raw["choose"].items()},
        short={k: [fold(p) for p in v] for k, v in raw.get("short", {}).items()},
        little={k: frozenset(fold(w) for w in raw["little"].get(k, [])) for k in LANGUAGES},
        confirm=raw["confirm"],
    )


@lru_cache(maxsize=1)
def _detector():
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(Language.ENGLISH, Language.SPANISH).build(), Language.SPANISH


def warm() -> None:
    """Build the detector and load its two models now (about a second), so the first
    message a server reads is not the one that waits for them."""
    detect("hola, necesito mi expediente")
    detect("hello, I need my records")


def _phrase(text: str) -> str:
    return " ".join(WORD.findall(fold(text)))


def detect(text: str, words: Optional[LanguageWords] = None) -> Tuple[str, float]:
    """(language, probability): Lingua's confidence, English or Spanish only, moved
    by the little words of each language. Lingua reads Spanglish ("ocupo la forma
    de disability") as English; "la", "de", "ocupo" say Spanish."""
    words = words or load_language_words()
    detector, spanish = _detector()
    p_spanish = float(detector.compute_language_confidence(text, spanish))
    tokens = _phrase(text).split()
    if tokens:
        votes = sum(t in words.little["es"] for t in tokens) - sum(t in words.little["en"] for t in tokens)
        p_spanish = min(1.0, max(0.0, p_spanish + LITTLE_WEIGHT * votes / len(tokens)))
    return ("es", p_spanish) if p_spanish >= 0.5 else ("en", 1.0 - p_spanish)


def chosen(text: str, words: Optional[LanguageWords] = None) -> Optional[str]:
    """The language a message chooses outright ("Español", "in english please"), or None."""
    words = words or load_language_words()
    phrase = _phrase(text)
    for language, phrases in words.choose.items():
        if phrase in phrases:
            return language
    return None


@dataclass(frozen=True)
class Decision:
    language: Optional[str]  # None: not known yet (answer in English meanwhile)
    chose: bool = False  # the message was a choice of language, nothing else
    changed: bool = False


def decide(current: Optional[str], locked: bool, text: str) -> Decision:
    """The conversation's language after ``text``.

    ``current``: the language so far (None: not known yet); ``locked``: the person
    chose it, so only another choice changes it.
    """
    words = load_language_words()
    choice = chosen(text, words)
    if choice:
        return Decision(choice, chose=True, changed=choice != current)
    if locked and current in LANGUAGES:
        return Decision(current)
    phrase = _phrase(text)
    count = len(phrase.split())
    if current not in LANGUAGES:
        for language, phrases in words.short.items():
            if phrase and phrase in phrases:
                return Decision(language, changed=True)
        if count >= FIRST_WORDS:
            language, probability = detect(text)
            if probability >= FIRST_SURE:
                return Decision(language, changed=True)
        return Decision(None)
    if count >= SWITCH_WORDS:
        language, probability = detect(text)
        if language != current and probability >= SWITCH_SURE:
            return Decision(language, changed=True)
    return Decision(current)
