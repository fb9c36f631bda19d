"""Turn what an entity extractor found into the canonical values of content/vocabulary.yml."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Dict, Iterable, List, Optional, Tuple

from triage.content_schema import Content

# Values that say only "something of this kind"; a more specific one found later wins.
GENERIC = {"record_kind": "any_record"}

ENTITIES = ("record_kind", "imaging_kind", "recipient", "requester", "leave_program", "leave_type", "region")


def fold(text: str) -> str:
    """Lower case without accents ("Radiografía" -> "radiografia"): Spanish is often
    typed without them, so words and the phrases they are matched with both drop them."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def clean(text: str) -> str:
    """Lower case without accents, plain apostrophes, only word characters and ' - .
    between single spaces."""
    text = fold(text).replace("’", "'")
    text = re.sub(r"[^\w'\-. ]+", " ", text)
    return re.sub(r"\s+", " ", text).strip(" .")


def _variants(text: str) -> List[str]:
    """The text and its singular forms ("x-rays" -> "x-ray")."""
    out = [text]
    if text.endswith("es"):
        out.append(text[:-2])
    if text.endswith("s") and not text.endswith("ss"):
        out.append(text[:-1])
    return out


@lru_cache(maxsize=None)
def whole_words(phrase: str) -> "re.Pattern[str]":
    """The phrase as a compiled whole-word pattern, kept: the content has thousands of
    phrases, more than ``re``'s own cache holds, and compiling is most of the cost."""
    return re.compile(rf"(?<![\w-]){re.escape(fold(phrase))}(?![\w-])")


def longest_phrase(table: Dict[str, List[str]], texts: Iterable[str]) -> Tuple[int, Optional[str]]:
    """(length, value) of the longest phrase of ``table`` found as whole words in
    any of ``texts`` (cleaned); (0, None) when none is."""
    best: Tuple[int, Optional[str]] = (0, None)
    texts = list(texts)
    for value, phrases in table.items():
        for phrase in phrases:
            if len(phrase) > best[0] and any(whole_words(phrase).search(text) for text in texts):
                best = (len(phrase), value)
    return best


def normalize(content: Content, entity: str, raw: Optional[str]) -> Optional[str]:
    """Canonical value for ``raw`` found as ``entity``, or None when it is not known.

    Tries, in order: the canonical key itself, an exact phrase, the longest phrase
    found inside the text as whole words, and a phrase that contains the text.
    """
    table: Dict[str, List[str]] = content.vocabulary.get(entity, {})
    if raw is None or not table:
        return None
    text = clean(str(raw))
    if not text:
        return None
    candidates = _variants(text)
    for value in table:
        if text == value or text.replace(" ", "_") == value:
            return value
    for value, phrases in table.items():
        if any(c in phrases for c in candidates):
            return value
    best = longest_phrase(table, candidates)
    if best[1]:
        return best[1]
    if len(text) >= 3:
        for value, phrases in table.items():
            if any(re.search(rf"(?<![\w-]){re.escape(text)}(?![\w-])", p) for p in phrases):
                return value
    return None


def generic_facts(content: Content, text: str) -> Dict[str, str]:
    """The "something of this kind" values (GENERIC) whose words are in ``text``:
    "can I get my chart" -> {"record_kind": "any_record"}. NLU does not tag these
    words as entities (the training data leaves them plain), so they are read here."""
    found: Dict[str, str] = {}
    cleaned = clean(text or "")
    for entity, value in GENERIC.items():
        phrases = content.vocabulary.get(entity, {}).get(value, [])
        if cleaned and longest_phrase({value: phrases}, [cleaned])[1]:
            found[entity] = value
    return found


def facts_from_entities(content: Content, entities: Iterable[dict]) -> Dict[str, str]:
    """First recognised canonical value per entity type, from Rasa-style entity dicts."""
    facts: Dict[str, str] = {}
    for entity in entities:
        name = entity.get("entity")
        if name not in ENTITIES or (name in facts and facts[name] != GENERIC.get(name)):
            continue
        value = normalize(content, name, entity.get("value"))
        if value is None and entity.get("value") is not None:
            value = normalize(content, name, entity.get("text", ""))
        if value is not None:
            facts[name] = value
    return facts
