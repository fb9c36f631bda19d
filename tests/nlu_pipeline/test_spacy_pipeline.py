"""The offline spaCy pipeline (nlu_pipeline/build.py): which words its entity ruler tags."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from nlu_pipeline.build import build

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def nlp(tmp_path_factory):
    return spacy.load(build(tmp_path_factory.mktemp("spacy") / "pipeline"))


def ents(nlp, text):
    return [(e.label_, e.text, e.ent_id_) for e in nlp(text.lower()).ents]


def test_specific_kinds_are_tagged_with_their_canonical_value(nlp):
    assert ("imaging_kind", "mris", "mri") in ents(nlp, "I need my MRIs sent over")
    assert ("record_kind", "lab results", "test_results") in ents(nlp, "can I get my lab results")
    assert ("leave_program", "fmla", "fmla") in ents(nlp, "fmla paperwork for my surgery")


@pytest.mark.parametrize(
    "text", ["my lawyer needs my records", "can they refuse to give me my chart", "where are my medical records"]
)
def test_generic_record_words_are_left_plain(nlp, text):
    # the training and held-out data leave them unannotated; the actions read them
    assert not [e for e in ents(nlp, text) if e[0] == "record_kind"]


def test_spanish_lemmas_join_forms_but_never_take_an_english_word():
    # the option measured and not kept (config.yml): bench.nlu_languages --lemmas
    from nlu_pipeline.build import read_lemma_table, spanish_lemmas

    table = spanish_lemmas(read_lemma_table())
    assert table["expedientes"] == "expediente" and table["papeles"] == "papel"
    assert table["radiografias"] == table["radiografías"]  # with or without accents
    for english in ("son", "come", "me", "records", "forms", "hospital"):
        assert english not in table, english


def test_the_default_pipeline_has_english_lemmas_only(nlp):
    assert [t.lemma_ for t in nlp("records expedientes")] == ["record", "expedientes"]
