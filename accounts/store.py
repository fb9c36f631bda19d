"""The agent accounts' SQL store: accounts, sessions, sign-in failures and the audit log.

Where: with ``TRACKER_STORE=postgres`` the tracker store's PostgreSQL database
(``POSTGRES_*``), so every Rasa replica sees the same accounts, sessions and
failure counts; otherwise a SQLite file, ``AGENT_DB`` (default ``var/agents.db``),
readable by its owner only. The tables are created on first use and their names
start with ``agent_``, beside Rasa's ``events`` table.

What is kept, and what is not:

- accounts: user name, argon2 hash (never the password), role, disabled flag, times;
- sessions: the SHA-256 of the random session id (the cookie holds the id itself,
  so a copy of the table cannot be replayed), the CSRF token and the times;
- sign-in failures: a keyed hash of the user name typed and of the client address
  (the key is random per database, in ``agent_settings``), deleted after an hour;
- audit: time, agent, event and, for ``call`` and ``call_notes``, the call id
  (for ``handoff_taken`` / ``handoff_ended``, the channel and the handoff id).
  Never message text, never a client address;
- call notes (``agent_call_notes``): per call id, the outcome an agent chose and
  their notes, masked with ``privacy.masking.mask`` before they are stored (never
  logged), the agent who saved them last and when. Calls are shared call-center
  conversations: any signed-in agent may read and update a call's notes.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, List, Mapping, Optional, Tuple

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from accounts import passwords, throttle
from privacy.masking import mask
from privacy.retention import database_url as tracker_database_url

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "var/agents.db"
ROLES = ("agent", "supervisor")
SESSION_SECONDS = 8 * 3600  # one shift
TOUCH_EVERY = 60  # seconds between writes of a session's last_seen
EVENTS = (
    "sign_in",
    "sign_in_failed",
    "sign_out",
    "call",
    "call_notes",
    "disabled",
    "enabled",
    "reset",
    "added",
    "handoff_taken",  # detail: the channel and the handoff id (handoff/routes.py)
    "handoff_ended",
)
OUTCOMES = ("resolved", "sent_form", "transferred", "call_back", "other")  # a call's outcome ("" = not chosen yet)
MAX_NOTES = 4000  # characters; longer notes are refused, not cut

metadata = sa.MetaData()
accounts_table = sa.Table(
    "agent_accounts",
    metadata,
    sa.Column("username", sa.String(64), primary_key=True),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("disabled", sa.Boolean, nullable=False, default=False),
    sa.Column("created", sa.Float, nullable=False),
    sa.Column("changed", sa.Float, nullable=False),
)
sessions_table = sa.Table(
    "agent_sessions",
    metadata,
    sa.Column("id_hash", sa.String(64), primary_key=True),
    sa.Column("username", sa.String(64), nullable=False, index=True),
    sa.Column("csrf", sa.String(64), nullable=False),
    sa.Column("created", sa.Float, nullable=False),
    sa.Column("expires", sa.Float, nullable=False, index=True),
    sa.Column("last_seen", sa.Float, nullable=False),
)
# The call ids a session has already sent a message for (one `call` audit row each).
session_calls_table = sa.Table(
    "agent_session_calls",
    metadata,
    sa.Column("id_hash", sa.String(64), primary_key=True),
    sa.Column("call_id", sa.String(64), primary_key=True),
)
failures_table = sa.Table(
    "agent_failures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.Float, nullable=False, index=True),
    sa.Column("account", sa.String(64), nullable=False, index=True),
    sa.Column("client", sa.String(64), nullable=False, index=True),
)
audit_table = sa.Table(
    "agent_audit",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.Float, nullable=False, index=True),
    sa.Column("username", sa.String(64), nullable=False),
    sa.Column("event", sa.String(32), nullable=False),
    sa.Column("detail", sa.String(128), nullable=True),
)
call_notes_table = sa.Table(
    "agent_call_notes",
    metadata,
    sa.Column("call_id", sa.String(64), primary_key=True),
    sa.Column("username", sa.String(64), nullable=False),
    sa.Column("outcome", sa.String(16), nullable=False),
    sa.Column("notes", sa.Text, nullable=False),
    sa.Column("updated", sa.Float, nullable=False, index=True),
)
settings_table = sa.Table(
    "agent_settings",
    metadata,
    sa.Column("name", sa.String(32), primary_key=True),
    sa.Column("value", sa.String(128), nullable=False),
)


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    disabled: bool
    created: float
    changed: float
    password_hash: str = field(repr=False)


@dataclass(frozen=True)
class Session:
    username: str
    role: str
    csrf: str
    created: float
    expires: float
    last_seen: float


@dataclass(frozen=True)
class CallNotes:
    call_id: str
    username: str  # the agent who saved them last
    outcome: str  # one of OUTCOMES, or "" when not chosen
    notes: str  # masked
    updated: float


@dataclass(frozen=True)
class AuditRow:
    at: float
    username: str
    event: str
    detail: Optional[str]


class AccountError(ValueError):
    """A refused change (unknown or existing account, weak password, unknown role); the text is for people."""


def database_url(environ: Mapping[str, str]) -> str:
    """PostgreSQL of the tracker store when ``TRACKER_STORE=postgres``, else the SQLite file ``AGENT_DB``."""
    if (environ.get("TRACKER_STORE") or "sqlite").strip().lower() == "postgres":
        return tracker_database_url(environ)
    path = Path(environ.get("AGENT_DB") or DEFAULT_DB)
    return f"sqlite:///{path if path.is_absolute() else ROOT / path}"


def _prepare_sqlite_file(path: Path) -> None:
    """The folder 0700 when we make it (the default ``var/`` always), the file 0600 before SQLite opens it."""
    folder = path.parent
    if not folder.exists():
        folder.mkdir(mode=0o700, parents=True)
    elif folder == ROOT / "var":
        folder.chmod(0o700)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    path.chmod(0o600)


def _session_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AgentStore:
    """All reads and writes of the ``agent_`` tables. ``clock`` is replaceable for tests."""

    def __init__(self, url: str, clock: Callable[[], float] = time.time) -> None:
        self.url = url
        self.clock = clock
        self._key: Optional[bytes] = None
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            _prepare_sqlite_file(Path(url[len("sqlite:///") :]))
        connect_args = {"connect_timeout": 3} if url.startswith("postgresql") else {}
        self.engine = sa.create_engine(url, future=True, pool_pre_ping=True, connect_args=connect_args)

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> "AgentStore":
        return cls(database_url(environ))

    # -- set-up ------------------------------------------------------------
    def ready(self) -> "AgentStore":
        """Create the tables and the hashing key when missing (several servers may race: both fine)."""
        if self._key is not None:
            return self
        try:
            metadata.create_all(self.engine)
        except sa.exc.SQLAlchemyError:
            metadata.create_all(self.engine)  # another replica created them between check and create
        with self.engine.begin() as conn:
            key = conn.execute(sa.select(settings_table.c.value).where(settings_table.c.name == "key")).scalar()
        if key is None:
            try:
                with self.engine.begin() as conn:
                    key = secrets.token_hex(32)
                    conn.execute(settings_table.insert().values(name="key", value=key))
            except IntegrityError:
                with self.engine.begin() as conn:
                    key = conn.execute(sa.select(settings_table.c.value).where(settings_table.c.name == "key")).scalar()
        self._key = bytes.fromhex(key)
        return self

    def _keyed(self, value: str) -> str:
        """A keyed hash: equal inputs match, but the table alone does not tell the address or name."""
        assert self._key is not None
        return hmac.new(self._key, value.encode(), hashlib.sha256).hexdigest()

    def dispose(self) -> None:
        self.engine.dispose()

    # -- accounts ----------------------------------------------------------
    def count(self) -> int:
        self.ready()
        with self.engine.begin() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(accounts_table)).scalar() or 0)

    def get(self, username: str) -> Optional[Account]:
        self.ready()
        with self.engine.begin() as conn:
            row = conn.execute(sa.select(accounts_table).where(accounts_table.c.username == username)).first()
        return Account(**row._mapping) if row else None

    def accounts(self) -> List[Account]:
        self.ready()
        with self.engine.begin() as conn:
            rows = conn.execute(sa.select(accounts_table).order_by(accounts_table.c.username)).all()
        return [Account(**row._mapping) for row in rows]

    def add(
        self, username: str, password: str, role: str = "agent", actor: Optional[str] = None, checked: bool = True
    ) -> None:
        """A new account. ``checked=False`` skips the password rules (only for the .env bootstrap in development)."""
        if role not in ROLES:
            raise AccountError(f"the role is one of: {', '.join(ROLES)}")
        if not username or len(username) > 64 or not username.isprintable() or username.strip() != username:
            raise AccountError("a user name is 1 to 64 printable characters, no spaces around it")
        problem = passwords.weakness(password) if checked else None
        if problem:
            raise AccountError(problem)
        self.ready()
        now = self.clock()
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    accounts_table.insert().values(
                        username=username,
                        password_hash=passwords.hash_password(password),
                        role=role,
                        disabled=False,
                        created=now,
                        changed=now,
                    )
                )
                self._audit(conn, username, "added", _by(actor, role))
        except IntegrityError:
            raise AccountError(f"there is already an account {username!r}") from None

    def set_disabled(self, username: str, disabled: bool, actor: Optional[str] = None) -> None:
        """Disable (ends every session of the account) or enable it again."""
        self._change(username, {"disabled": disabled}, "disabled" if disabled else "enabled", actor)

    def reset(self, username: str, password: str, actor: Optional[str] = None) -> None:
        """A new password; every session of the account ends."""
        problem = passwords.weakness(password)
        if problem:
            raise AccountError(problem)
        self._change(username, {"password_hash": passwords.hash_password(password)}, "reset", actor)

    def rehash(self, username: str, password: str) -> None:
        """Store a fresh hash after a good sign-in whose hash had old parameters (sessions stay)."""
        self.ready()
        with self.engine.begin() as conn:
            conn.execute(
                accounts_table.update()
                .where(accounts_table.c.username == username)
                .values(password_hash=passwords.hash_password(password))
            )

    def _change(self, username: str, values: dict, event: str, actor: Optional[str]) -> None:
        self.ready()
        with self.engine.begin() as conn:
            changed = conn.execute(
                accounts_table.update()
                .where(accounts_table.c.username == username)
                .values(changed=self.clock(), **values)
            ).rowcount
            if not changed:
                raise AccountError(f"there is no account {username!r}")
            if event != "enabled":
                self._end_sessions(conn, sessions_table.c.username == username)
            self._audit(conn, username, event, _by(actor))

    def bootstrap(self, username: str, password: str) -> bool:
        """Create ``username`` as a supervisor when there is no account at all; True when it did.
        The caller checks the password (the channel refuses weak ones in production only)."""
        if self.count():
            return False
        try:
            self.add(username, password, "supervisor", actor="AGENT_USERNAME in .env", checked=False)
        except AccountError:
            return bool(self.count())  # another server made it first
        return True

    # -- sessions ----------------------------------------------------------
    def create_session(self, username: str) -> Tuple[str, str]:
        """A new session: (the id for the cookie, the CSRF token). Purges expired sessions on the way."""
        self.ready()
        token, csrf, now = secrets.token_urlsafe(32), secrets.token_urlsafe(24), self.clock()
        with self.engine.begin() as conn:
            self._end_sessions(conn, sessions_table.c.expires <= now)
            conn.execute(
                sessions_table.insert().values(
                    id_hash=_session_hash(token),
                    username=username,
                    csrf=csrf,
                    created=now,
                    expires=now + SESSION_SECONDS,
                    last_seen=now,
                )
            )
        return token, csrf

    def session(self, token: Optional[str]) -> Optional[Session]:
        """The live session for a cookie's id, or None (unknown, ended, expired, account disabled)."""
        if not token or len(token) > 128:
            return None
        self.ready()
        id_hash, now = _session_hash(token), self.clock()
        query = (
            sa.select(sessions_table, accounts_table.c.role, accounts_table.c.disabled)
            .join(accounts_table, accounts_table.c.username == sessions_table.c.username)
            .where(sessions_table.c.id_hash == id_hash)
        )
        with self.engine.begin() as conn:
            row = conn.execute(query).first()
            if row is None:
                return None
            if row.expires <= now or row.disabled:
                self._end_sessions(conn, sessions_table.c.id_hash == id_hash)
                return None
            if now - row.last_seen >= TOUCH_EVERY:
                conn.execute(sessions_table.update().where(sessions_table.c.id_hash == id_hash).values(last_seen=now))
        return Session(row.username, row.role, row.csrf, row.created, row.expires, max(row.last_seen, now))

    def end_session(self, token: str) -> None:
        self.ready()
        with self.engine.begin() as conn:
            self._end_sessions(conn, sessions_table.c.id_hash == _session_hash(token))

    def first_call(self, token: str, call_id: str) -> bool:
        """True the first time this session sends a message for ``call_id`` (then it is remembered)."""
        self.ready()
        try:
            with self.engine.begin() as conn:
                conn.execute(session_calls_table.insert().values(id_hash=_session_hash(token), call_id=call_id))
        except IntegrityError:
            return False
        return True

    @staticmethod
    def _end_sessions(conn: sa.engine.Connection, where) -> None:
        ended = sa.select(sessions_table.c.id_hash).where(where)
        conn.execute(session_calls_table.delete().where(session_calls_table.c.id_hash.in_(ended)))
        conn.execute(sessions_table.delete().where(where))

    def session_count(self, username: str) -> int:
        self.ready()
        with self.engine.begin() as conn:
            query = sa.select(sa.func.count()).where(
                sessions_table.c.username == username, sessions_table.c.expires > self.clock()
            )
            return int(conn.execute(query).scalar() or 0)

    # -- sign-in failures --------------------------------------------------
    def failure_counts(self, username: str, client: str) -> throttle.Counts:
        self.ready()
        account, address, now = self._keyed(f"u:{username}"), self._keyed(f"a:{client}"), self.clock()
        f = failures_table.c
        with self.engine.begin() as conn:
            pair = conn.execute(
                sa.select(f.at).where(f.account == account, f.client == address, f.at > now - throttle.PAIR_LOOKBACK)
            ).scalars()
            pair_times = list(pair)
            by_address = conn.execute(sa.select(f.at).where(f.client == address, f.at > now - throttle.WINDOW))
            address_times = list(by_address.scalars())
            by_account = sa.select(sa.func.count()).where(f.account == account, f.at > now - throttle.WINDOW)
            account_recent = int(conn.execute(by_account).scalar() or 0)
        return throttle.Counts(pair_times, address_times, account_recent)

    def record_failure(self, username: str, client: str) -> None:
        self.ready()
        now = self.clock()
        with self.engine.begin() as conn:
            conn.execute(failures_table.delete().where(failures_table.c.at <= now - throttle.PAIR_LOOKBACK))
            conn.execute(
                failures_table.insert().values(
                    at=now, account=self._keyed(f"u:{username}"), client=self._keyed(f"a:{client}")
                )
            )

    def clear_failures(self, username: str, client: str) -> None:
        """After a good sign-in: that pair starts afresh (the address's count for other accounts stays)."""
        self.ready()
        f = failures_table.c
        with self.engine.begin() as conn:
            conn.execute(
                failures_table.delete().where(
                    f.account == self._keyed(f"u:{username}"), f.client == self._keyed(f"a:{client}")
                )
            )

    # -- call notes --------------------------------------------------------
    def save_call_notes(self, call_id: str, username: str, outcome: str, notes: str) -> CallNotes:
        """Store (or replace) a call's outcome and notes; the notes are masked first (SSN, phone...)."""
        if outcome and outcome not in OUTCOMES:
            raise ValueError(f"the outcome is one of: {', '.join(OUTCOMES)}")
        if len(notes) > MAX_NOTES:
            raise ValueError(f"notes are at most {MAX_NOTES} characters")
        self.ready()
        saved = CallNotes(call_id, username[:64], outcome, mask(notes), self.clock())
        row = {"username": saved.username, "outcome": saved.outcome, "notes": saved.notes, "updated": saved.updated}
        with self.engine.begin() as conn:
            changed = conn.execute(
                call_notes_table.update().where(call_notes_table.c.call_id == call_id).values(**row)
            ).rowcount
            if not changed:
                try:
                    with conn.begin_nested():
                        conn.execute(call_notes_table.insert().values(call_id=call_id, **row))
                except IntegrityError:  # another agent saved the same call at the same moment: last one wins
                    conn.execute(call_notes_table.update().where(call_notes_table.c.call_id == call_id).values(**row))
            self._audit(conn, username, "call_notes", call_id)
        return saved

    def delete_call_notes_older_than(self, days: float) -> int:
        """Delete notes not changed for ``days`` (the retention of conversations: make retention)."""
        self.ready()
        cutoff = self.clock() - days * 86400
        with self.engine.begin() as conn:
            return conn.execute(call_notes_table.delete().where(call_notes_table.c.updated < cutoff)).rowcount

    def call_notes(self, call_id: str) -> Optional[CallNotes]:
        self.ready()
        with self.engine.begin() as conn:
            row = conn.execute(sa.select(call_notes_table).where(call_notes_table.c.call_id == call_id)).first()
        return CallNotes(**row._mapping) if row else None

    # -- audit -------------------------------------------------------------
    def audit(self, username: str, event: str, detail: Optional[str] = None) -> None:
        self.ready()
        with self.engine.begin() as conn:
            self._audit(conn, username, event, detail)

    def _audit(self, conn: sa.engine.Connection, username: str, event: str, detail: Optional[str]) -> None:
        assert event in EVENTS, event
        conn.execute(audit_table.insert().values(at=self.clock(), username=username[:64], event=event, detail=detail))

    def audit_rows(self, since: Optional[float] = None) -> List[AuditRow]:
        self.ready()
        query = sa.select(audit_table).order_by(audit_table.c.at, audit_table.c.id)
        if since is not None:
            query = query.where(audit_table.c.at >= since)
        with self.engine.begin() as conn:
            rows = conn.execute(query).all()
        return [AuditRow(row.at, row.username, row.event, row.detail) for row in rows]


def _by(actor: Optional[str], role: Optional[str] = None) -> Optional[str]:
    parts = [f"role {role}"] if role else []
    if actor:
        parts.append(f"by {actor}")
    return "; ".join(parts)[:128] or None
