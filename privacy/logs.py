"""Conversation ids never reach a log in clear. Plain Python (logging, hmac).

A conversation id is stored (it is the tracker store's key) but a log line is
copied, shipped and kept elsewhere, so logs name a conversation by
``log_id(sender)``: ``conv-`` and 12 hex characters of a keyed hash (HMAC-SHA256
with ``LOG_ID_KEY`` from `.env`, or a random key per process when it is empty;
with the same key on every replica, one conversation has one log id
everywhere). The log id tells lines of one conversation apart from another's;
it cannot be turned back into the id.

Our own code logs ``log_id(...)``. For lines written by Rasa or any library
during a turn, ``install()`` adds a log-record factory: while a turn runs
(``turn_of(sender)``), a record whose text contains that turn's sender id gets
it replaced by the log id, and identifiers in the text are masked
(``privacy.masking.mask``) as in stored messages.
"""

from __future__ import annotations

import contextvars
import hashlib
import hmac
import logging
import os
import secrets
from typing import Optional

from privacy.masking import mask

_KEY = (os.environ.get("LOG_ID_KEY") or "").encode() or secrets.token_bytes(32)
_SENDER: contextvars.ContextVar[Optional[str]] = contextvars.ContextVar("log_sender", default=None)
_installed = False
_PLACEHOLDER = "{conversation}"  # no digit, no @: masking leaves it alone


def log_id(sender: object) -> str:
    """``conv-`` and 12 hex characters: the same sender, the same log id (per key)."""
    digest = hmac.new(_KEY, str(sender).encode("utf-8", "replace"), hashlib.sha256).hexdigest()
    return f"conv-{digest[:12]}"


def turn_of(sender: Optional[str]) -> None:
    """Say which conversation the current task's log lines may name (its id gets replaced)."""
    _SENDER.set(sender or None)


def scrub(text: str, sender: Optional[str]) -> str:
    """``text`` with ``sender`` replaced by its log id and identifiers masked."""
    if not sender or sender not in text:
        return mask(text)
    # the log id itself looks like a code to mask: put it in after masking
    return mask(text.replace(sender, _PLACEHOLDER)).replace(_PLACEHOLDER, log_id(sender))


def install() -> None:
    """Scrub every log record made from now on in this process (idempotent)."""
    global _installed
    if _installed:
        return
    make = logging.getLogRecordFactory()

    def factory(*args, **kwargs) -> logging.LogRecord:
        record = make(*args, **kwargs)
        try:
            text = record.getMessage()
        except Exception:  # a bad format string: leave the record to logging's own error path
            return record
        clean = scrub(text, _SENDER.get())
        if clean != text:
            record.msg, record.args = clean, ()
        return record

    logging.setLogRecordFactory(factory)
    _installed = True
