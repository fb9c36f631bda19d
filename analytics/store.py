"""The aggregates database (SQLAlchemy Core; SQLite by default, any SQLAlchemy URL works).

Its own database (``ANALYTICS_DB`` in .env, default ``var/analytics.db``), so it
survives the retention purge of the tracker store. Tables:

- ``conversations``: one row per conversation (a Rasa session), its figures only.
  The row is named by a keyed hash of the sender id and the session's start
  (``conversation_key``), so the job can update a conversation that goes on; the
  key (``meta.secret``) never leaves this database and the sender id is not stored;
- ``labels``: the departments and routes a conversation reached (one row each);
- ``unrecognised``: a group of "can't help" messages (``analytics/groups.py``): its
  name (a keyed hash), its centroid over keyed-hash buckets and how many messages
  made it (no words), and its masked words only once it holds ``THRESHOLD`` conversations;
- ``unrecognised_seen``: which conversations (keys, no text) fell in which group, per day;
- ``meta``: the job's high-water mark (the last tracker event id read) and the secret.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path
from typing import Iterable, List, Mapping, Optional

import sqlalchemy as sa

from analytics.aggregate import Conversation
from analytics.groups import THRESHOLD, Groups, group_key

DEFAULT_PATH = "var/analytics.db"

metadata = sa.MetaData()
conversations = sa.Table(
    "conversations",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("day", sa.String(10), nullable=False),
    sa.Column("channel", sa.String(8), nullable=False),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("turns", sa.Integer, nullable=False),
    sa.Column("cant_help", sa.Integer, nullable=False),
    sa.Column("emergency", sa.Integer, nullable=False),
    sa.Column("neighbour", sa.Integer, nullable=False),
    sa.Column("questions", sa.Integer, nullable=False),
    sa.Column("reasked", sa.Integer, nullable=False),
    sa.Column("turns_to_department", sa.Integer, nullable=True),
    sa.Column("ended_after_question", sa.Integer, nullable=False),
    sa.Column("handoffs", sa.Integer, nullable=True),
    sa.Column("handoff_wait_seconds", sa.Float, nullable=True),
    sa.Column("unanswered_followups", sa.Integer, nullable=True),  # NULL in rows made before it was counted
    # how many of its can't-help messages are already in a group (a conversation that goes on is re-read
    # whole: only the messages after these join one); NULL in rows made before groups had centroids
    sa.Column("unrecognised_grouped", sa.Integer, nullable=True),
    sa.Index("ix_conversations_day", "day", "channel", "language"),
)
labels = sa.Table(
    "labels",
    metadata,
    sa.Column("key", sa.String(64), nullable=False, index=True),
    sa.Column("kind", sa.String(12), nullable=False),  # department | route
    sa.Column("value", sa.String(64), nullable=False),
    sa.Column("day", sa.String(10), nullable=False),
    sa.Column("channel", sa.String(8), nullable=False),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Index("ix_labels_day", "kind", "day"),
)
unrecognised = sa.Table(
    "unrecognised",
    metadata,
    sa.Column("group", sa.String(32), primary_key=True),
    sa.Column("words", sa.String(1000), nullable=True),  # masked; set only once THRESHOLD conversations hold it
    sa.Column("vector", sa.Text, nullable=True),  # JSON {bucket: messages}: keyed-hash buckets, no words
    sa.Column("messages", sa.Integer, nullable=True),
)
unrecognised_seen = sa.Table(
    "unrecognised_seen",
    metadata,
    sa.Column("group", sa.String(32), primary_key=True),
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("day", sa.String(10), nullable=False),
    sa.Column("channel", sa.String(8), nullable=False),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Index("ix_unrecognised_seen_day", "day"),
)
meta = sa.Table(
    "meta",
    metadata,
    sa.Column("name", sa.String(32), primary_key=True),
    sa.Column("value", sa.String(128), nullable=False),
)


def migrate(engine: sa.engine.Engine) -> List[str]:
    """Add the columns a database made by an older version lacks (each is nullable: NULL in
    the rows written before it existed). ``create_all`` makes missing tables, not missing
    columns. Returns the columns added, as ``table.column``."""
    added: List[str] = []
    inspector = sa.inspect(engine)
    with engine.begin() as conn:
        for table in metadata.sorted_tables:
            present = {column["name"] for column in inspector.get_columns(table.name)}
            for column in table.columns:
                if column.name in present:
                    continue
                if not column.nullable or column.primary_key:
                    raise RuntimeError(f"cannot add the required column {table.name}.{column.name} to an old database")
                kind = column.type.compile(dialect=engine.dialect)
                preparer = engine.dialect.identifier_preparer
                conn.execute(
                    sa.text(
                        f"ALTER TABLE {preparer.format_table(table)} ADD COLUMN {preparer.format_column(column)} {kind}"
                    )
                )
                added.append(f"{table.name}.{column.name}")
    return added


def database_url(environ: Mapping[str, str]) -> str:
    """ANALYTICS_DB: a file path (SQLite) or an SQLAlchemy URL; default var/analytics.db."""
    value = (environ.get("ANALYTICS_DB") or DEFAULT_PATH).strip()
    return value if "://" in value else f"sqlite:///{value}"


class AnalyticsStore:
    def __init__(self, url: str) -> None:
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            path = Path(url[len("sqlite:///") :])
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists():
                path.touch(mode=0o600)
        self.engine = sa.create_engine(url)
        metadata.create_all(self.engine)
        self.added_columns = migrate(self.engine)
        self._secret: Optional[bytes] = None
        self._groups: Optional[Groups] = None

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> "AnalyticsStore":
        return cls(database_url(os.environ if environ is None else environ))

    def dispose(self) -> None:
        self.engine.dispose()

    # -- meta --------------------------------------------------------------
    def _get(self, conn: sa.engine.Connection, name: str) -> Optional[str]:
        return conn.execute(sa.select(meta.c.value).where(meta.c.name == name)).scalar()

    def _set(self, conn: sa.engine.Connection, name: str, value: str) -> None:
        conn.execute(meta.delete().where(meta.c.name == name))
        conn.execute(meta.insert().values(name=name, value=value))

    def secret(self) -> bytes:
        """The key of the conversation and group hashes (made once, kept in this database)."""
        if self._secret is None:
            with self.engine.begin() as conn:
                value = self._get(conn, "secret")
                if value is None:
                    value = secrets.token_hex(32)
                    self._set(conn, "secret", value)
            self._secret = bytes.fromhex(value)
        return self._secret

    def high_water_mark(self) -> int:
        with self.engine.connect() as conn:
            return int(self._get(conn, "high_water_mark") or 0)

    def conversation_key(self, sender: str, start: float) -> str:
        return hmac.new(self.secret(), f"{sender}|{start:.6f}".encode(), hashlib.sha256).hexdigest()

    # -- writing -------------------------------------------------------------
    def save(self, sender: str, rows: Iterable[Conversation], high_water_mark: Optional[int] = None) -> None:
        """Insert or replace ``sender``'s conversations (and move the high-water mark, in the same transaction)."""
        try:
            with self.engine.begin() as conn:
                self.save_in(conn, sender, rows)
                if high_water_mark is not None:
                    self._set(conn, "high_water_mark", str(high_water_mark))
        except BaseException:
            self.forget_groups()
            raise

    def set_high_water_mark(self, value: int) -> None:
        with self.engine.begin() as conn:
            self._set(conn, "high_water_mark", str(value))

    def set_high_water_mark_in(self, conn: sa.engine.Connection, value: int) -> None:
        self._set(conn, "high_water_mark", str(value))

    def groups(self, conn: sa.engine.Connection) -> Groups:
        """Every group's centroid, read once per store (this job is the only writer); ``forget_groups``
        after a rolled-back transaction."""
        if self._groups is None:
            u = unrecognised.c
            self._groups = Groups(
                (
                    str(group),
                    {int(b): int(n) for b, n in json.loads(vector).items()} if vector else {},
                    int(messages or 0),
                )
                for group, vector, messages in conn.execute(sa.select(u.group, u.vector, u.messages))
            )
        return self._groups

    def forget_groups(self) -> None:
        self._groups = None

    def save_in(self, conn: sa.engine.Connection, sender: str, rows: Iterable[Conversation]) -> None:
        secret = self.secret()
        for row in rows:
            key = self.conversation_key(sender, row.start)
            where = {"day": row.day, "channel": row.channel, "language": row.language}
            grouped = conn.execute(
                sa.select(conversations.c.key, conversations.c.unrecognised_grouped).where(conversations.c.key == key)
            ).first()
            conn.execute(conversations.delete().where(conversations.c.key == key))
            conn.execute(labels.delete().where(labels.c.key == key))
            conn.execute(
                conversations.insert().values(
                    key=key,
                    **where,
                    turns=row.turns,
                    cant_help=row.cant_help,
                    emergency=row.emergency,
                    neighbour=row.neighbour,
                    questions=row.questions,
                    reasked=row.reasked,
                    turns_to_department=row.turns_to_department,
                    ended_after_question=int(row.ended_after_question),
                    handoffs=row.handoffs,
                    handoff_wait_seconds=row.handoff_wait_seconds,
                    unanswered_followups=row.unanswered_followups,
                    unrecognised_grouped=len(row.unrecognised),
                )
            )
            names = [("department", d) for d in row.departments] + [("route", r) for r in row.routes]
            if names:
                conn.execute(labels.insert(), [{"key": key, "kind": k, "value": v, **where} for k, v in names])
            if grouped is None:  # a new conversation: all its messages
                done = 0
            elif grouped[1] is None:  # a row from before centroids: its messages went to their exact token set
                done = self._legacy_grouped(conn, key, row.unrecognised, secret)
            else:
                done = int(grouped[1])
            for text in row.unrecognised[done:]:
                self._group(conn, key, where, text, secret)

    def _legacy_grouped(self, conn: sa.engine.Connection, key: str, texts: List[str], secret: bytes) -> int:
        """How many of a pre-centroid row's messages are grouped: the leading ones whose exact group holds it."""
        seen = unrecognised_seen.c
        done = 0
        for text in texts:
            group = group_key(text, secret)
            if group and conn.execute(sa.select(seen.key).where(seen.group == group, seen.key == key)).first() is None:
                break
            done += 1
        return done

    def _group(self, conn: sa.engine.Connection, key: str, where: dict, text: str, secret: bytes) -> None:
        groups = self.groups(conn)
        placed = groups.place(text, secret)
        if placed is None:  # no content words
            return
        group, message = placed
        new = group not in groups
        vector = json.dumps({str(b): n for b, n in sorted(groups.add(group, message).items())}, separators=(",", ":"))
        u = unrecognised.c
        if new:
            conn.execute(unrecognised.insert().values(group=group, words=None, vector=vector, messages=1))
        else:
            conn.execute(
                unrecognised.update()
                .where(u.group == group)
                .values(vector=vector, messages=sa.func.coalesce(u.messages, 0) + 1)
            )
        self._seen(conn, group, key, where, text)

    def _seen(self, conn: sa.engine.Connection, group: str, key: str, where: dict, text: str) -> None:
        seen = unrecognised_seen.c
        if conn.execute(sa.select(seen.key).where(seen.group == group, seen.key == key)).first() is None:
            conn.execute(unrecognised_seen.insert().values(group=group, key=key, **where))
        count = conn.execute(sa.select(sa.func.count()).where(seen.group == group)).scalar() or 0
        if count >= THRESHOLD:  # words from this conversation's own (masked) message, only now
            conn.execute(
                unrecognised.update()
                .where(unrecognised.c.group == group, unrecognised.c.words.is_(None))
                .values(words=text[:1000])
            )

    def counts(self) -> List[int]:
        """Rows in conversations, labels and unrecognised_seen (for tests and the bench)."""
        with self.engine.connect() as conn:
            return [
                conn.execute(sa.select(sa.func.count()).select_from(t)).scalar() or 0
                for t in (conversations, labels, unrecognised_seen)
            ]
