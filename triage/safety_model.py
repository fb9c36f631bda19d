"""A safety model beside the safety words: emergencies and crises told in words no
list holds ("the left side of her mouth hangs down", "nobody will need them after
this weekend, I have it all planned out").

The words in content/conversation.yml find what they name, and say whether it is
past; fresh writers' emergencies showed that a list misses about 3 in 10 new ways
of telling one (docs/evaluation.md). This model reads the whole message instead:
TF-IDF of words and word pairs plus character 3-5-grams, and a logistic
regression (scikit-learn, already installed with Rasa), trained when first used
(about 2 s) on

- the safety messages of the open conversation test set, and all its other turns
  (`datasets/safety/examples.yml`, made by `bench/export_safety_examples.py`);
- every NLU training example in `data/` as a message that is not a safety one.

A second regression, on the safety messages only, picks the kind of answer
(emergency, crisis, abuse, poison). The step asks it only when no safety word was
found, the message has at least ``MIN_WORDS`` words and does not tell of something
past (the step checks that); it says a kind only from ``THRESHOLD``. Pure: no Rasa.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path
from typing import List, Optional, Tuple

import yaml

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "datasets" / "safety" / "examples.yml"
NLU_DATA = ROOT / "data"
THRESHOLD = 0.7  # chosen on writers 31 and 32 before they were trained on (docs/evaluation.md)
MIN_WORDS = 5  # "i just don't know" is no emergency, whatever the model says
C = 10.0  # the regressions' inverse regularisation

_lock = threading.Lock()


def _nlu_messages(folder: Path) -> List[str]:
    messages: List[str] = []
    for path in sorted(folder.glob("*.yml")):
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []) or []:
            examples = item.get("examples") if isinstance(item, dict) else None
            if isinstance(examples, str):
                messages += [line[2:].strip() for line in examples.splitlines() if line.startswith("- ")]
    return messages


class SafetyModel:
    def __init__(self, safety: List[Tuple[str, str]], other: List[str], prepare) -> None:
        from scipy.sparse import hstack
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        self.prepare = prepare
        texts = [prepare(text) for text, _ in safety] + [prepare(text) for text in other]
        labels = [1] * len(safety) + [0] * len(other)
        self.vectorizers = (
            TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=2, sublinear_tf=True),
        )
        matrix = hstack([v.fit_transform(texts) for v in self.vectorizers]).tocsr()
        self.is_safety = LogisticRegression(C=C, class_weight="balanced", max_iter=3000).fit(matrix, labels)
        self.kinds = LogisticRegression(C=C, class_weight="balanced", max_iter=3000).fit(
            matrix[: len(safety)], [kind for _, kind in safety]
        )

    def score(self, text: str) -> Tuple[float, str]:
        """(the probability that ``text`` needs 911 / 988 first, the likeliest kind)."""
        from scipy.sparse import hstack

        prepared = [self.prepare(text)]
        row = hstack([v.transform(prepared) for v in self.vectorizers]).tocsr()
        probability = float(self.is_safety.predict_proba(row)[0][1])
        return probability, str(self.kinds.predict(row)[0])

    def kind(self, text: str) -> Optional[str]:
        if len(text.split()) < MIN_WORDS:
            return None
        probability, kind = self.score(text)
        return kind if probability >= THRESHOLD else None


def train(examples: Path = EXAMPLES, nlu: Path = NLU_DATA) -> SafetyModel:
    from triage.understand import same_words
    from triage.vocabulary import clean

    data = yaml.safe_load(examples.read_text(encoding="utf-8"))
    safety = [(item["text"], item["kind"]) for item in data["safety"]]
    other = list(data["other"]) + _nlu_messages(nlu)
    return SafetyModel(safety, other, lambda text: same_words(clean(text)))


@lru_cache(maxsize=1)
def _model() -> SafetyModel:
    return train()


def model() -> SafetyModel:
    """The model, trained once per process (the action server trains it at start)."""
    with _lock:
        return _model()
