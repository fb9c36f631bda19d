"""The classic baseline: TF-IDF word and character n-grams, logistic regression (scikit-learn).

Trained on exactly the NLU examples Rasa trains on (data/, with the CLINC150
out_of_scope examples). It has no entity extraction. Settings are textbook
ones, fixed before looking at any result: word 1-2-grams and char_wb 2-5-grams
with sublinear TF, C=10, balanced class weights, a fixed random state.
"""

from __future__ import annotations

from typing import List, Sequence, Tuple

SEED = 42


def build():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union

    features = make_union(
        TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, lowercase=True),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, lowercase=True),
    )
    classifier = LogisticRegression(C=10.0, max_iter=2000, class_weight="balanced", random_state=SEED)
    return make_pipeline(features, classifier)


class Baseline:
    def __init__(self) -> None:
        self.model = build()

    def fit(self, texts: Sequence[str], intents: Sequence[str]) -> "Baseline":
        self.model.fit(list(texts), list(intents))
        return self

    def rank(self, texts: Sequence[str]) -> List[List[Tuple[str, float]]]:
        """For each text, every intent with its probability, best first."""
        classes = self.model.classes_
        out = []
        for row in self.model.predict_proba(list(texts)):
            order = row.argsort()[::-1]
            out.append([(str(classes[i]), float(row[i])) for i in order])
        return out
