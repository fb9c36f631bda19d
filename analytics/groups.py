"""Group the masked messages that got "can't help" by a simple similarity. Pure Python.

Two messages are in the same group when their normalised token sets are equal:
lower case, letters and digits only, the masking labels kept as one token each
(``[NAME]``, ``[PHONE]``...), a short list of filler words dropped, a plural "s"
dropped, the tokens sorted and deduplicated. "Can I get my dog's vet records?" and
"vet records for my dog" fall in one group. The group is named by a keyed hash of
that token set (``group_key``), so the database holds no words of a group until it
holds at least ``THRESHOLD`` conversations (``analytics/store.py``).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import FrozenSet

THRESHOLD = 5  # conversations a group needs before its words are kept or shown
_TOKEN = re.compile(r"\[[A-Z_]+\]|[^\W_]+", re.UNICODE)
FILLER = frozenset(
    """a an the my me i i'm im to of for and or is are am be can could would will do does did please
    hi hello hey want need get got how what where when which who this that it its in on at with you your
    some any just like so about from by as have has had was were there here up out if not no yes ok
    un una el la los las mi me yo de del y o por para que es en con""".split()
)


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
    """The group's name: a keyed hash of the token set (empty string when the message has no content words)."""
    words = tokens(text)
    if not words:
        return ""
    return hmac.new(secret, " ".join(sorted(words)).encode(), hashlib.sha256).hexdigest()[:32]
