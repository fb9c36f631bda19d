"""Per-turn flag shared by a channel and the tracker store (contextvars, no Rasa).

The channel calls ``start_turn()`` before handing a message to Rasa; the tracker
store calls ``mark_store_failed()`` when the database fails; the channel then
asks ``store_failed()``. Each request runs in its own asyncio task, so turns
never see each other's flag.
"""

from __future__ import annotations

import contextvars
from typing import List, Optional

_FLAG: contextvars.ContextVar[Optional[List[bool]]] = contextvars.ContextVar("store_failed", default=None)


def start_turn() -> List[bool]:
    flag = [False]
    _FLAG.set(flag)
    return flag


def mark_store_failed() -> None:
    flag = _FLAG.get()
    if flag is not None:
        flag[0] = True


def store_failed(flag: List[bool]) -> bool:
    return bool(flag and flag[0])
