"""The handoff queue in SQL: SQLite by default, PostgreSQL when configured.

It lives in the agent accounts' database (``accounts.store.database_url``): the
SQLite file ``AGENT_DB`` by default, the tracker store's PostgreSQL with
``TRACKER_STORE=postgres``, so every Rasa replica sees the same queue. Tables
(created on first use, names starting with ``handoff_``):

- ``handoff_requests``: one row per handoff (``handoff.core.Handoff``), the
  conversation's context as JSON (department, route, region, answered; no
  message text) and, for a text, the phone number encrypted (``handoff.phone``)
  while it is open. A partial unique index allows one open handoff per
  conversation;
- ``handoff_messages``: what agents wrote, masked, numbered in order, so the
  widget polls for what is new (any replica answers the same).

Taking and ending are single ``UPDATE ... WHERE state = ...`` statements: when
two agents (on two servers) take the same conversation, exactly one update
changes a row; the other gets ``Refused``.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any, Callable, Dict, List, Mapping, Optional

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from accounts.store import _prepare_sqlite_file, database_url
from handoff import core
from handoff.core import ENDED, TAKEN, WAITING, Handoff, Refused

KEEP_ENDED_SECONDS = 24 * 3600  # ended handoffs (and their agent messages) are deleted after a day

metadata = sa.MetaData()
requests_table = sa.Table(
    "handoff_requests",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("sender", sa.String(128), nullable=False, index=True),
    sa.Column("channel", sa.String(8), nullable=False),
    sa.Column("language", sa.String(2), nullable=False),
    sa.Column("team", sa.String(32), nullable=False),
    sa.Column("state", sa.String(8), nullable=False, index=True),
    sa.Column("agent", sa.String(64), nullable=True),
    sa.Column("asked_at", sa.Float, nullable=False, index=True),
    sa.Column("taken_at", sa.Float, nullable=True),
    sa.Column("ended_at", sa.Float, nullable=True),
    sa.Column("reason", sa.String(16), nullable=True),
    sa.Column("context", sa.Text, nullable=False),
    sa.Column("phone", sa.Text, nullable=True),  # Fernet token, only while open
)
sa.Index(
    "handoff_one_open_per_sender",
    requests_table.c.sender,
    unique=True,
    sqlite_where=requests_table.c.state != ENDED,
    postgresql_where=requests_table.c.state != ENDED,
)
messages_table = sa.Table(
    "handoff_messages",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("handoff_id", sa.String(36), nullable=False, index=True),
    sa.Column("author", sa.String(8), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("at", sa.Float, nullable=False),
)
_FIELDS = (
    "id",
    "sender",
    "channel",
    "language",
    "team",
    "state",
    "agent",
    "asked_at",
    "taken_at",
    "ended_at",
    "reason",
)


def _handoff(row: Any) -> Handoff:
    values = {name: getattr(row, name) for name in _FIELDS}
    return Handoff(**values, context=json.loads(row.context or "{}"))


class HandoffStore:
    """All reads and writes of the ``handoff_`` tables. ``clock`` is replaceable for tests."""

    def __init__(self, url: str, clock: Callable[[], float] = time.time) -> None:
        self.url = url
        self.clock = clock
        self._ready = False
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            from pathlib import Path

            _prepare_sqlite_file(Path(url[len("sqlite:///") :]))
        connect_args = {"connect_timeout": 3} if url.startswith("postgresql") else {"timeout": 15}
        self.engine = sa.create_engine(url, future=True, pool_pre_ping=True, connect_args=connect_args)

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> "HandoffStore":
        return cls(database_url(environ))

    def ready(self) -> "HandoffStore":
        if not self._ready:
            try:
                metadata.create_all(self.engine)
            except sa.exc.SQLAlchemyError:
                metadata.create_all(self.engine)  # another replica created them between check and create
            self._ready = True
        return self

    def dispose(self) -> None:
        self.engine.dispose()

    # -- reads ---------------------------------------------------------------
    def get(self, handoff_id: str) -> Optional[Handoff]:
        self.ready()
        with self.engine.begin() as conn:
            row = conn.execute(sa.select(requests_table).where(requests_table.c.id == handoff_id)).first()
        return _handoff(row) if row else None

    def latest_for(self, sender: str) -> Optional[Handoff]:
        """The conversation's open handoff, else its most recently asked one (or None)."""
        self.ready()
        query = (
            sa.select(requests_table)
            .where(requests_table.c.sender == sender)
            .order_by((requests_table.c.state == ENDED).asc(), requests_table.c.asked_at.desc())
            .limit(1)
        )
        with self.engine.begin() as conn:
            row = conn.execute(query).first()
        return _handoff(row) if row else None

    def open_for(self, sender: str) -> Optional[Handoff]:
        found = self.latest_for(sender)
        return found if found is not None and found.open else None

    def open_handoffs(self) -> List[Handoff]:
        """Waiting and taken handoffs, oldest first."""
        self.ready()
        query = sa.select(requests_table).where(requests_table.c.state != ENDED).order_by(requests_table.c.asked_at)
        with self.engine.begin() as conn:
            return [_handoff(row) for row in conn.execute(query)]

    def ahead_of(self, handoff: Handoff) -> int:
        """How many handoffs of the same team have waited longer."""
        self.ready()
        query = (
            sa.select(sa.func.count())
            .select_from(requests_table)
            .where(
                requests_table.c.state == WAITING,
                requests_table.c.team == handoff.team,
                requests_table.c.asked_at < handoff.asked_at,
            )
        )
        with self.engine.begin() as conn:
            return int(conn.execute(query).scalar() or 0)

    def sealed_phone(self, handoff_id: str) -> Optional[str]:
        self.ready()
        with self.engine.begin() as conn:
            return conn.execute(sa.select(requests_table.c.phone).where(requests_table.c.id == handoff_id)).scalar()

    def messages(self, handoff_id: str, after: int = 0) -> List[Dict[str, Any]]:
        """Agent messages of a handoff with an id above ``after``, in order."""
        self.ready()
        query = (
            sa.select(messages_table)
            .where(messages_table.c.handoff_id == handoff_id, messages_table.c.id > after)
            .order_by(messages_table.c.id)
        )
        with self.engine.begin() as conn:
            return [{"id": r.id, "author": r.author, "text": r.text, "at": r.at} for r in conn.execute(query)]

    # -- writes --------------------------------------------------------------
    def create(
        self,
        sender: str,
        channel: str,
        language: str,
        team: str,
        context: Optional[Dict[str, Any]] = None,
        sealed_phone: Optional[str] = None,
    ) -> tuple:
        """(handoff, True) for a new waiting handoff; (the open one, False) when the conversation has one."""
        self.ready()
        handoff = core.new(str(uuid.uuid4()), sender, channel, language, team, self.clock(), context)
        row = {name: getattr(handoff, name) for name in _FIELDS}
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    requests_table.insert().values(**row, context=json.dumps(handoff.context), phone=sealed_phone)
                )
        except IntegrityError:
            existing = self.open_for(sender)
            if existing is None:  # it ended between the two statements: try once more
                return self.create(sender, channel, language, team, context, sealed_phone)
            return existing, False
        return handoff, True

    def take(self, handoff_id: str, agent: str) -> Handoff:
        """Take a waiting handoff for ``agent``; ``Refused`` when it is not waiting (any replica)."""
        found = self.get(handoff_id)
        if found is None:
            raise Refused("no such handoff")
        taken = core.take(found, agent, self.clock())
        with self.engine.begin() as conn:
            changed = conn.execute(
                requests_table.update()
                .where(requests_table.c.id == handoff_id, requests_table.c.state == WAITING)
                .values(state=TAKEN, agent=agent, taken_at=taken.taken_at)
            ).rowcount
        if changed != 1:
            raise Refused("already taken")
        return taken

    def end(self, handoff_id: str, reason: str, agent: Optional[str] = None) -> Handoff:
        """End an open handoff (the rules of ``core.end``) and delete its phone number."""
        found = self.get(handoff_id)
        if found is None:
            raise Refused("no such handoff")
        ended = core.end(found, reason, self.clock(), agent)
        where = [requests_table.c.id == handoff_id, requests_table.c.state == found.state]
        if found.agent is not None:
            where.append(requests_table.c.agent == found.agent)
        with self.engine.begin() as conn:
            changed = conn.execute(
                requests_table.update()
                .where(*where)
                .values(state=ENDED, ended_at=ended.ended_at, reason=reason, phone=None)
            ).rowcount
        if changed != 1:
            raise Refused("it changed meanwhile")
        return ended

    def add_message(self, handoff_id: str, author: str, text: str) -> int:
        self.ready()
        with self.engine.begin() as conn:
            result = conn.execute(
                messages_table.insert().values(handoff_id=handoff_id, author=author, text=text, at=self.clock())
            )
            return int(result.inserted_primary_key[0])

    def purge(self) -> int:
        """Delete handoffs ended more than KEEP_ENDED_SECONDS ago, with their messages."""
        self.ready()
        cutoff = self.clock() - KEEP_ENDED_SECONDS
        old = sa.select(requests_table.c.id).where(requests_table.c.state == ENDED, requests_table.c.ended_at < cutoff)
        with self.engine.begin() as conn:
            conn.execute(messages_table.delete().where(messages_table.c.handoff_id.in_(old)))
            return conn.execute(requests_table.delete().where(requests_table.c.id.in_(old))).rowcount
