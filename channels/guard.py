"""What every input channel does around one turn: clean and mask the text, answer in time.

Plain asyncio around Rasa's ``on_new_message`` (no Rasa internals are changed):

- ``clean(text)``: Unicode NFKC, control characters and lone surrogates become
  spaces, outer blanks go; the result is safe to store in SQLite / PostgreSQL.
- ``prepare(text)``: ``clean`` then ``privacy.masking.mask``: what the assistant
  reads, stores and may log.
- ``run_turn(on_new_message, message)``: runs the turn with a time limit
  (``ANSWER_TIMEOUT_SECONDS``, default 2.5 s). Rasa 3.6 waits up to 5 minutes for
  the action server (``DEFAULT_REQUEST_TIMEOUT``, not configurable in
  endpoints.yml), so the channel stops waiting instead: the turn is cancelled
  (nothing half-done is saved; Rasa's lock is released) and the channel answers
  with ``unavailable_text()`` (the ROI phone and main contacts, from content).
  A tracker store or lock store that is down is reported as ``STORE_DOWN`` so the
  channel can answer 503 instead of hanging or pretending all is well.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import unicodedata
from typing import Any, Awaitable, Callable, Optional

from privacy.logs import log_id, turn_of
from privacy.masking import mask
from storage.turn import start_turn, store_failed

logger = logging.getLogger(__name__)

OK = "ok"
TIMEOUT = "timeout"
STORE_DOWN = "store_down"
FAILED = "failed"

DEFAULT_TIMEOUT_SECONDS = 2.5
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff]")


def timeout_seconds() -> float:
    try:
        value = float(os.environ.get("ANSWER_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS))
    except ValueError:
        return DEFAULT_TIMEOUT_SECONDS
    return value if value > 0 else DEFAULT_TIMEOUT_SECONDS


def clean(text: Any) -> str:
    """Text safe to process and store: NFKC, no control characters or lone surrogates, trimmed."""
    if not isinstance(text, str):
        return ""
    text = _UNSAFE.sub(" ", text)  # before NFKC (lone surrogates) and after (NFKC can make new ones)
    text = unicodedata.normalize("NFKC", text)
    return _UNSAFE.sub(" ", text).strip()


def prepare(text: Any) -> str:
    """What the assistant reads and stores: cleaned, identifiers masked."""
    return mask(clean(text))


def _store_errors() -> tuple:
    errors = [ConnectionError]
    try:
        from sqlalchemy.exc import SQLAlchemyError

        errors.append(SQLAlchemyError)
    except ImportError:  # pragma: no cover - SQLAlchemy comes with Rasa
        pass
    try:
        from redis.exceptions import RedisError

        errors.append(RedisError)
    except ImportError:  # pragma: no cover - redis comes with Rasa
        pass
    try:
        from rasa.core.lock_store import LockError

        errors.append(LockError)
    except ImportError:  # pragma: no cover
        pass
    return tuple(errors)


async def run_turn(
    on_new_message: Callable[[Any], Awaitable[Any]], message: Any, seconds: Optional[float] = None
) -> str:
    """Run one turn; OK, TIMEOUT (cancelled), STORE_DOWN or FAILED. Never raises, never logs text."""
    seconds = timeout_seconds() if seconds is None else seconds
    sender = getattr(message, "sender_id", None)
    turn_of(sender)  # log lines of this turn name it by its log id (privacy/logs.py)
    flag = start_turn()
    try:
        await asyncio.wait_for(on_new_message(message), timeout=seconds)
        if store_failed(flag):  # Rasa's FailSafeTrackerStore hid a database error
            logger.error("conversation store unavailable in conversation %s", log_id(sender))
            return STORE_DOWN
        return OK
    except asyncio.TimeoutError:
        logger.warning(
            "no answer within %.1f s in conversation %s: sent the contacts instead",
            seconds,
            log_id(sender),
        )
        return TIMEOUT
    except _store_errors() as error:
        logger.error(
            "conversation store unavailable (%s) in conversation %s",
            type(error).__name__,
            log_id(sender),
        )
        return STORE_DOWN
    except Exception as error:  # the user still gets the contacts; the type is enough to debug
        logger.error("the assistant failed (%s) in conversation %s", type(error).__name__, log_id(sender))
        return FAILED


def answer_for(outcome: str, sender: str, messages: list) -> tuple:
    """(messages, HTTP status) to send for a turn's outcome: the bot's messages,
    or the contacts when the turn failed, timed out or said nothing (503 when
    the conversation store is down)."""
    if outcome == OK and messages:
        return messages, 200
    contacts = [{"recipient_id": sender, "text": unavailable_text()}]
    return contacts, 503 if outcome == STORE_DOWN else 200


def service_text(key: str) -> str:
    """A text from content/service.yml with its placeholders filled."""
    from triage.content import load_content, load_service_texts
    from triage.render import Renderer

    return Renderer(load_content()).fill(getattr(load_service_texts(), key))


def unavailable_text() -> str:
    return service_text("unavailable")
