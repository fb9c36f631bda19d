"""Seeded conversations as Rasa stores their events, for the analytics tests."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Tuple

import sqlalchemy as sa

DAY1 = 1796083200.0  # 2026-12-01 00:00 UTC
DAY2 = DAY1 + 86400


class Talk:
    """Builds one sender's events: ``user``, ``bot`` (with its reply part) and ``slot``."""

    def __init__(self, start: float = DAY1) -> None:
        self.clock = start
        self.events: List[Dict[str, Any]] = [
            {"event": "action", "timestamp": start, "name": "action_session_start"},
            {"event": "session_started", "timestamp": start},
            {"event": "action", "timestamp": start, "name": "action_listen"},
        ]

    def _at(self) -> float:
        self.clock += 1
        return self.clock

    def user(self, text: str, language: Optional[str] = None) -> "Talk":
        event: Dict[str, Any] = {"event": "user", "timestamp": self._at(), "text": text, "parse_data": {}}
        event["metadata"] = {"language": language} if language else {}
        self.events.append(event)
        return self

    def bot(self, part: str = "text", text: str = "...") -> "Talk":
        self.events.append(
            {"event": "bot", "timestamp": self._at(), "text": text, "data": {}, "metadata": {"part": part}}
        )
        return self

    def slot(self, name: str, value: Any) -> "Talk":
        self.events.append({"event": "slot", "timestamp": self._at(), "name": name, "value": value})
        return self

    def new_session(self, start: float) -> "Talk":
        self.clock = start
        self.events += [
            {"event": "action", "timestamp": start, "name": "action_session_start"},
            {"event": "session_started", "timestamp": start},
            {"event": "slot", "timestamp": start, "name": "department", "value": "roi"},  # carried over
            {"event": "action", "timestamp": start, "name": "action_listen"},
        ]
        return self


def tracker_db(url: str) -> sa.engine.Engine:
    """An empty tracker store with the columns of Rasa's SQLTrackerStore ``events`` table (SQLite or PostgreSQL)."""
    engine = sa.create_engine(url)
    table = sa.Table(
        "events",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("sender_id", sa.String(255), nullable=False, index=True),
        sa.Column("type_name", sa.String(255), nullable=False),
        sa.Column("timestamp", sa.Float),
        sa.Column("intent_name", sa.String(255)),
        sa.Column("action_name", sa.String(255)),
        sa.Column("data", sa.Text),
    )
    table.metadata.create_all(engine)
    return engine


def store_events(engine: sa.engine.Engine, sender: str, events: List[Dict[str, Any]]) -> None:
    with engine.begin() as conn:
        for event in events:
            conn.execute(
                sa.text("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (:s, :t, :ts, :d)"),
                {"s": sender, "t": event["event"], "ts": event["timestamp"], "d": json.dumps(event)},
            )


def store_events_bulk(engine: sa.engine.Engine, talks: List[Tuple[str, List[Dict[str, Any]]]]) -> None:
    """Many senders' events in one transaction (bench/analytics.py)."""
    rows = [
        {"s": sender, "t": e["event"], "ts": e["timestamp"], "d": json.dumps(e)}
        for sender, events in talks
        for e in events
    ]
    with engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (:s, :t, :ts, :d)"), rows
        )
