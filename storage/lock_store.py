"""Rasa's Redis lock store, made safe for several Rasa servers. Thin Rasa glue.

Configured in ``deploy/endpoints.postgres-redis.yml`` as
``type: storage.lock_store.AtomicRedisLockStore`` with the same settings as
``type: redis``.

Why: Rasa 3.6's ``RedisLockStore`` keeps each conversation's ticket lock as one
JSON value and changes it by read-modify-write (``issue_ticket``, ``update_lock``,
``cleanup``) with no transaction. Two servers taking a message of the same
conversation at the same moment can both read the lock, both issue ticket 0 and
both save: each believes it holds the lock, both process the conversation at
once, and one turn is silently lost from the tracker store. Our replica test
showed exactly this (RasaHQ/rasa#9213; the fix upstream, ``ConcurrentRedisLockStore``,
is not in Rasa Open Source).

This class runs each of those read-modify-write steps inside a short Redis mutex
(redis-py's ``Lock``: ``SET NX PX`` with a token, released by a Lua script), so
they are atomic across servers. The ticket queue itself (who is served next,
waiting, expiry) is Rasa's own, unchanged.
"""

from __future__ import annotations

from typing import Text

from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

MUTEX_SECONDS = 10  # longest a single read-modify-write may hold the mutex (it takes milliseconds)


class AtomicRedisLockStore(RedisLockStore):
    """``RedisLockStore`` whose ticket-lock updates are atomic across Rasa servers."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        super().__init__(host=endpoint_config.url or "localhost", **endpoint_config.kwargs)

    def _mutex(self, conversation_id: Text):
        return self.red.lock(
            f"{self.key_prefix}{conversation_id}:mutex",
            timeout=MUTEX_SECONDS,
            blocking_timeout=MUTEX_SECONDS,
            sleep=0.005,
        )

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        with self._mutex(conversation_id):
            return super().issue_ticket(conversation_id, lock_lifetime)

    def update_lock(self, conversation_id: Text) -> None:
        with self._mutex(conversation_id):
            super().update_lock(conversation_id)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        with self._mutex(conversation_id):
            super().cleanup(conversation_id, ticket_number)
