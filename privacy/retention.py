"""Retention: delete conversations whose last event is older than N days. SQLAlchemy only.

Works on Rasa's SQL tracker store (table ``events``: one row per event, with
``sender_id`` and a Unix ``timestamp``), SQLite or PostgreSQL. A conversation is
deleted whole, only when its newest event is older than the limit, so an old
conversation that is still going on is kept.
"""

from __future__ import annotations

import time
from typing import Mapping, Optional

import sqlalchemy as sa

EVENTS = "events"


def database_url(env: Mapping[str, str]) -> str:
    """The tracker store's database, from the same .env settings the servers use."""
    if (env.get("TRACKER_STORE") or "sqlite").strip().lower() == "postgres":
        return str(
            sa.engine.URL.create(
                "postgresql",
                username=env.get("POSTGRES_USER") or None,
                password=env.get("POSTGRES_PASSWORD") or None,
                host=env.get("POSTGRES_HOST") or "localhost",
                port=int(env.get("POSTGRES_PORT") or 5432),
                database=env.get("POSTGRES_DB") or "rasa",
            ).render_as_string(hide_password=False)
        )
    return f"sqlite:///{env.get('TRACKER_DB') or 'var/tracker.db'}"


def delete_older_than(url: str, days: float, now: Optional[float] = None) -> int:
    """Delete every conversation idle for more than ``days`` days; returns how many were deleted."""
    if days <= 0:
        raise ValueError("days must be more than 0")
    cutoff = (time.time() if now is None else now) - days * 86400
    engine = sa.create_engine(url)
    try:
        if not sa.inspect(engine).has_table(EVENTS):
            return 0
        events = sa.Table(EVENTS, sa.MetaData(), autoload_with=engine)
        with engine.begin() as connection:
            idle = (
                sa.select(events.c.sender_id)
                .group_by(events.c.sender_id)
                .having(sa.func.max(events.c.timestamp) < cutoff)
            )
            senders = [row[0] for row in connection.execute(idle)]
            for start in range(0, len(senders), 500):
                connection.execute(events.delete().where(events.c.sender_id.in_(senders[start : start + 500])))
        return len(senders)
    finally:
        engine.dispose()
