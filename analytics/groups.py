"""Group the masked messages that got "can't help" by TF-IDF similarity, without keeping their words.

A message's words are its normalised tokens (``tokens``): lower case, letters and
digits only, the masking labels kept as one token each (``[NAME]``, ``[PHONE]``...),
a short list of filler words dropped, a plural "s" dropped, deduplicated.

Nothing below ``THRESHOLD`` conversations may hold a word (``analytics/store.py``), so
a message is compared through **keyed hashes** only: each token becomes one of
``BUCKETS`` buckets (HMAC-SHA256 with the aggregates database's key, modulo
``BUCKETS``; many words share a bucket), and a group keeps its **centroid**: per
bucket, how many of its messages had a token there. A new message joins:

1. the group named by the keyed hash of its exact token set (``group_key``), if there is one;
2. else the group whose centroid is nearest by TF-IDF cosine similarity (the
   weighting of scikit-learn's ``TfidfTransformer``: smooth IDF from how many of
   all grouped messages had a token in each bucket, l2 norm), if that is at least ``SIMILAR``;
3. else a new group named by its ``group_key``.

Only groups sharing a bucket with the message are compared (an inverted index), so
a job run over new events costs what its messages touch, not every group.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
from collections import Counter
from typing import Dict, FrozenSet, Iterable, List, Mapping, Optional, Set, Tuple

THRESHOLD = 5  # conversations a group needs before its words are kept or shown
BUCKETS = 1024  # token-hash buckets: few enough that a bucket stands for many words
SIMILAR = 0.4  # TF-IDF cosine to join a group that is not its exact token set: about 2 of 3 words in common
_TOKEN = re.compile(r"\[[A-Z_]+\]|[^\W_]+", re.UNICODE)
FILLER = frozenset(
    """a an the my me i i'm im to of for and or is are am be can could would will do does did please
    hi hello hey want need get got how what where when which who this that it its in on at with you your
    some any just like so about from by as have has had was were there here up out if not no yes ok
    un una el la los las mi me yo de del y o por para que es en con""".split()
)

Vector = Dict[int, int]  # bucket -> messages with a token there


def tokens(text: str) -> FrozenSet[str]:
    """The normalised token set of a masked message."""
    found = set()
    for token in _TOKEN.findall(text or ""):
        if token.startswith("["):
            found.add(token)
            continue
        token = token.lower()
        if token in FILLER or len(token) < 2:
            continue
        if len(token) > 3 and token.endswith("s") and not token.endswith("ss"):
            token = token[:-1]
        found.add(token)
    return frozenset(found)


def group_key(text: str, secret: bytes) -> str:
    """A new group's name: a keyed hash of the token set (empty string when the message has no content words)."""
    words = tokens(text)
    if not words:
        return ""
    return hmac.new(secret, " ".join(sorted(words)).encode(), hashlib.sha256).hexdigest()[:32]


def buckets(text: str, secret: bytes) -> FrozenSet[int]:
    """The message's tokens as keyed-hash buckets: all a group keeps of it below the threshold."""
    out = set()
    for token in tokens(text):
        digest = hmac.new(secret, b"bucket|" + token.encode(), hashlib.sha256).digest()
        out.add(int.from_bytes(digest[:4], "big") % BUCKETS)
    return frozenset(out)


class Groups:
    """Every group's centroid in memory, with the counts TF-IDF needs and an index bucket -> groups."""

    def __init__(self, rows: Iterable[Tuple[str, Mapping[int, int], int]] = ()) -> None:
        """``rows``: (group, centroid, messages) as stored; a group made before centroids were kept has
        an empty one (it is still found by its exact token set, and its next message starts its centroid)."""
        self.vectors: Dict[str, Vector] = {}
        self.df: Counter = Counter()  # bucket -> grouped messages with a token there
        self.messages = 0
        self.index: Dict[int, Set[str]] = {}
        for group, vector, messages in rows:
            self.vectors[group] = {}
            self._add(group, vector, messages)

    def __contains__(self, group: str) -> bool:
        return group in self.vectors

    def __len__(self) -> int:
        return len(self.vectors)

    def _add(self, group: str, vector: Mapping[int, int], messages: int) -> None:
        mine = self.vectors.setdefault(group, {})
        for bucket, n in vector.items():
            mine[bucket] = mine.get(bucket, 0) + n
            self.df[bucket] += n
            self.index.setdefault(bucket, set()).add(group)
        self.messages += messages

    def add(self, group: str, message: FrozenSet[int]) -> Vector:
        """One message joins ``group`` (made when new); its centroid afterwards."""
        self._add(group, {b: 1 for b in message}, 1)
        return self.vectors[group]

    def idf(self, message: FrozenSet[int]) -> List[float]:
        """Smooth IDF per bucket (scikit-learn's ``TfidfTransformer``: ln((1 + n) / (1 + df)) + 1) over the
        grouped messages and this one."""
        import numpy as np

        df = np.zeros(BUCKETS)
        if self.df:
            df[list(self.df)] = list(self.df.values())
        df[list(message)] += 1
        return (np.log((1 + self.messages + 1) / (1 + df)) + 1).tolist()

    def nearest(self, message: FrozenSet[int]) -> Optional[Tuple[str, float]]:
        """The group most similar to ``message`` (TF-IDF cosine) and the similarity; None when none shares a bucket.

        The vectors are l2-normalised TF-IDF rows as scikit-learn's ``TfidfTransformer(norm="l2",
        smooth_idf=True)`` makes them (``tests/analytics`` checks the two agree); computed here over the
        few buckets each centroid has, which costs a fraction of building sparse matrices per message."""
        candidates = sorted(set().union(*(self.index.get(b, set()) for b in message))) if message else []
        if not candidates:
            return None
        idf = self.idf(message)
        mine = {b: idf[b] for b in message}
        mine_norm = math.sqrt(sum(w * w for w in mine.values()))
        best, best_score = candidates[0], -1.0
        for group in candidates:
            vector = self.vectors[group]
            norm = math.sqrt(sum((n * idf[b]) ** 2 for b, n in vector.items()))
            dot = sum(w * vector[b] * idf[b] for b, w in mine.items() if b in vector)
            score = dot / (norm * mine_norm)
            if score > best_score:  # the first of equals: the group whose name sorts first
                best, best_score = group, score
        return best, best_score

    def place(self, text: str, secret: bytes) -> Optional[Tuple[str, FrozenSet[int]]]:
        """The group ``text`` joins (an existing one or a new one's name) and its buckets; None without content words."""
        key = group_key(text, secret)
        if not key:
            return None
        message = buckets(text, secret)
        if key in self:
            return key, message
        found = self.nearest(message)
        if found is not None and found[1] >= SIMILAR:
            return found[0], message
        return key, message
