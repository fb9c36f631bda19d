"""Figures computed the same way for every setup (pure functions, no Rasa server needed).

* Intent accuracy and macro F1: Rasa's own ``get_evaluation_metrics`` (what
  ``rasa test nlu`` reports), on the intent the classifier chose before the
  FallbackClassifier, as ``rasa test nlu`` does.
* Entity F1: strict spans. A predicted entity counts only when its type, start
  and end match an annotated one exactly; micro-averaged over all entities.
  Predictions with the same type and span from two extractors count once.
* False triage: a message that is not ours gets an in-scope intent that clears
  the fallback threshold (and the ambiguity margin), so the assistant would
  answer it as a request instead of saying what it can do.
"""

from __future__ import annotations

import math
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

FALLBACK_INTENT = "nlu_fallback"
# Intents that never lead to a department or a records answer: a message from
# outside our scope may land on them without harm.
HARMLESS_INTENTS = {"out_of_scope", FALLBACK_INTENT, "greet", "goodbye", "thank", "affirm", "deny"}


def intent_scores(targets: Sequence[str], predictions: Sequence[str]) -> Dict[str, float]:
    """Accuracy and macro F1 over the target intents (Rasa's evaluation code)."""
    from rasa.model_testing import get_evaluation_metrics

    if len(targets) != len(predictions) or not targets:
        raise ValueError("need as many predictions as targets, and at least one")
    report, _precision, _weighted_f1, accuracy = get_evaluation_metrics(
        list(targets), list(predictions), output_dict=True
    )
    return {"accuracy": float(accuracy), "macro_f1": float(report["macro avg"]["f1-score"]), "n": len(targets)}


Span = Tuple[str, int, int]


def entity_f1(gold: Iterable[Iterable[Span]], predicted: Iterable[Iterable[Span]]) -> Dict[str, float]:
    """Strict-span micro precision, recall and F1 over all messages."""
    tp = fp = fn = 0
    for gold_spans, predicted_spans in zip(gold, predicted, strict=True):
        g, p = set(gold_spans), set(predicted_spans)
        tp += len(g & p)
        fp += len(p - g)
        fn += len(g - p)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "gold": tp + fn, "predicted": tp + fp}


def apply_fallback(ranking: Sequence[Tuple[str, float]], threshold: float, ambiguity: float) -> str:
    """The intent a FallbackClassifier with these settings would leave (ranking: best first)."""
    if not ranking:
        return FALLBACK_INTENT
    top_name, top = ranking[0]
    if top < threshold:
        return FALLBACK_INTENT
    if len(ranking) > 1 and top - ranking[1][1] < ambiguity:
        return FALLBACK_INTENT
    return top_name


def false_triage(final_intents: Sequence[str], harmless: Set[str] = HARMLESS_INTENTS) -> Dict[str, float]:
    """Share of out-of-scope messages whose final intent (after fallback) is one of ours."""
    if not final_intents:
        raise ValueError("no messages")
    wrong = sum(1 for intent in final_intents if intent not in harmless)
    return {"wrong": wrong, "n": len(final_intents), "rate": wrong / len(final_intents)}


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) with linear interpolation (numpy's default)."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100.0
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def ratio(ours: Optional[float], default: Optional[float]) -> Optional[float]:
    if ours is None or default is None or default == 0:
        return None
    return ours / default


def spans_from_entities(entities: Iterable[dict]) -> List[Span]:
    """(type, start, end) for entities as Rasa returns or annotates them, duplicates once."""
    return sorted({(e["entity"], int(e["start"]), int(e["end"])) for e in entities})
