"""Build the project's own spaCy pipeline, offline.

No spaCy model can be downloaded here, so we assemble one from parts that ship
in PyPI packages:

* spaCy's blank English tokenizer;
* the lookup lemmatizer with the tables from ``spacy-lookups-data`` (Rasa's
  CountVectorsFeaturizer uses the lemmas, so "records"/"record" count as one word);
* an entity ruler whose patterns come from ``content/vocabulary.yml``: every
  phrase, with every inflected form of its last word that the lemma table knows.

The result is saved to ``build/spacy_pipeline`` (``SpacyNLP`` in config.yml points
there). Usage: ``python -m nlu_pipeline.build [--out DIR]``.
"""

from __future__ import annotations

import argparse
import gzip
import json
from collections import defaultdict
from pathlib import Path
from typing import Dict, List, Set

import spacy
import spacy_lookups_data
from spacy.lookups import load_lookups

from triage.content import load_content
from triage.vocabulary import GENERIC

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "build" / "spacy_pipeline"


def read_lemma_table() -> Dict[str, str]:
    """The English lemma lookup table as strings (spaCy's Table keeps only hashes)."""
    with gzip.open(spacy_lookups_data.get_file("en_lemma_lookup.json.gz"), "rt", encoding="utf-8") as handle:
        return json.load(handle)


def spanish_lemmas(english: Dict[str, str], data_dir: Path = ROOT / "data") -> Dict[str, str]:
    """Spanish forms -> lemma (accents folded) for every lemma of a word in the
    Spanish training data, with and without accents: "expedientes", "radiografias"
    and "mandé" count as "expediente", "radiografiar" and "mandar". Only the lemmas
    the data uses (the whole table has 490,000 forms), and never a form the English
    table has ("records" stays English)."""
    import re

    import yaml

    from triage.vocabulary import fold

    with gzip.open(spacy_lookups_data.get_file("es_lemma_lookup.json.gz"), "rt", encoding="utf-8") as handle:
        table: Dict[str, str] = json.load(handle)
    by_folded: Dict[str, str] = {}
    for form, lemma in table.items():
        by_folded.setdefault(fold(form.lower()), lemma)
    words: Set[str] = set()
    for path in sorted(data_dir.glob("nlu_es_*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            for line in str(block.get("examples", "")).splitlines():
                text = re.sub(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\{[^}]*\}", r"\1\2", line.lstrip("- "))
                words.update(re.findall(r"[^\W\d_]+", text.lower()))
    lemmas = {fold(by_folded[fold(w)].lower()) for w in words if fold(w) in by_folded}
    # an English word is a form or a lemma of the English table ("son", "come", "me")
    english_words = set(english) | {lemma.lower() for lemma in english.values()}
    out: Dict[str, str] = {}
    for form, lemma in table.items():
        if fold(lemma.lower()) in lemmas:
            for key in (form.lower(), fold(form.lower())):
                if key not in english_words and key != fold(lemma.lower()):
                    out.setdefault(key, fold(lemma.lower()))
    return out


def inflections(lemma_table: Dict[str, str]) -> Dict[str, Set[str]]:
    """lemma -> every surface form the table maps to it (lower case)."""
    forms: Dict[str, Set[str]] = defaultdict(set)
    for form, lemma in lemma_table.items():
        forms[lemma.lower()].add(form.lower())
    return forms


def patterns_for(vocabulary: Dict[str, Dict[str, List[str]]], nlp, lemma_table, forms) -> List[dict]:
    patterns = []
    seen = set()
    for label, values in vocabulary.items():
        for value, phrases in values.items():
            if GENERIC.get(label) == value:
                # "records", "my chart": the NLU data leaves these words plain (only
                # specific kinds are entities); the actions find them in the text.
                continue
            for phrase in phrases:
                words = [t.lower_ for t in nlp.make_doc(phrase)]
                last = words[-1]
                lemma = lemma_table.get(last, last).lower()
                variants = {last, lemma} | forms.get(lemma, set())
                if last.isalpha() and len(last) > 2:
                    variants.add(last + "s")  # plurals the table lacks ("mris", "ct scans")
                variants = sorted(variants)
                tokens = [{"LOWER": w} for w in words[:-1]] + [{"LOWER": {"IN": variants}}]
                key = (label, json.dumps(tokens, sort_keys=True))
                if key in seen:
                    continue
                seen.add(key)
                patterns.append({"label": label, "pattern": tokens, "id": value})
    return patterns


def build(out: Path = DEFAULT_OUT, spanish: bool = False) -> Path:
    content = load_content()
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    lookups = load_lookups("en", ["lemma_lookup"])
    lemma_table = read_lemma_table()
    if spanish:
        table = lookups.get_table("lemma_lookup")
        for form, lemma in spanish_lemmas(lemma_table).items():
            table[form] = lemma
    nlp.get_pipe("lemmatizer").initialize(lookups=lookups)
    ruler = nlp.add_pipe("entity_ruler", config={"overwrite_ents": True})
    ruler.add_patterns(patterns_for(content.vocabulary, nlp, lemma_table, inflections(lemma_table)))
    nlp.meta["name"] = "records_triage"
    nlp.meta["version"] = "1.0.0"
    nlp.meta["description"] = (
        "Blank English tokenizer, lookup lemmatizer and entity ruler built from content/vocabulary.yml"
    )
    out.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out)
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument(
        "--spanish-lemmas", action="store_true", help="add Spanish lemmas (measured, not used: config.yml says why)"
    )
    args = parser.parse_args()
    path = build(args.out, spanish=args.spanish_lemmas)
    print(f"spaCy pipeline written to {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
