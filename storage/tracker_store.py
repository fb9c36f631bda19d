"""The SQL tracker store (SQLite or PostgreSQL), with two additions. Thin Rasa glue.

Configured in the endpoints file as ``type: storage.tracker_store.MaskingSQLTrackerStore``
with the same settings as Rasa's ``type: SQL`` store.

1. Defence in depth for privacy: every user message is masked
   (``privacy.masking.mask``) before it is written, whatever channel it came
   from (the channels already mask; this catches any channel that forgets).
2. Failures are reported: Rasa wraps every tracker store in a
   ``FailSafeTrackerStore`` that swallows errors and silently carries on in
   memory. This store marks the current turn as failed
   (``channels.guard.store_failed``) so the channel can answer 503.
"""

from __future__ import annotations

from typing import Optional, Text

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from privacy.masking import mask
from storage.turn import mark_store_failed


def mask_user_events(tracker: DialogueStateTracker) -> None:
    for event in tracker.events:
        if isinstance(event, UserUttered) and event.text and not (event.text or "").startswith("/"):
            masked = mask(event.text)
            if masked != event.text:
                event.text = masked
                parse_data = getattr(event, "parse_data", None)
                if isinstance(parse_data, dict) and "text" in parse_data:
                    parse_data["text"] = masked


class MaskingSQLTrackerStore(SQLTrackerStore):
    """Rasa's SQLTrackerStore; masks user text before saving and reports failures."""

    async def save(self, tracker: DialogueStateTracker) -> None:
        mask_user_events(tracker)
        try:
            await super().save(tracker)
        except Exception:
            mark_store_failed()
            raise

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        try:
            return await super().retrieve(sender_id)
        except Exception:
            mark_store_failed()
            raise

    async def retrieve_full_tracker(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        try:
            return await super().retrieve_full_tracker(sender_id)
        except Exception:
            mark_store_failed()
            raise
