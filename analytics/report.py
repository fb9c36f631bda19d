"""The figures for a date range, by channel and language: the dashboard, its CSV and the terminal.

Reads only the aggregates database (GROUP BY queries on indexed columns), never the
tracker's events. ``python -m analytics.report --from 2026-12-01 --to 2026-12-31``
prints the same figures as the page.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import sys
import time
from dataclasses import dataclass, field
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

import sqlalchemy as sa

from analytics.aggregate import CHANNELS
from analytics.groups import THRESHOLD
from analytics.store import AnalyticsStore, conversations, labels, unrecognised, unrecognised_seen


@dataclass(frozen=True)
class Filters:
    start: str  # ISO day, inclusive
    end: str  # ISO day, inclusive
    channel: Optional[str] = None
    language: Optional[str] = None

    def where(self, table: sa.Table) -> List:
        clauses = [table.c.day >= self.start, table.c.day <= self.end]
        if self.channel:
            clauses.append(table.c.channel == self.channel)
        if self.language:
            clauses.append(table.c.language == self.language)
        return clauses


@dataclass
class Figures:
    filters: Filters
    conversations: int = 0
    turns: int = 0
    cant_help_replies: int = 0
    conversations_with_cant_help: int = 0
    emergency_pointers: int = 0
    neighbour_pointers: int = 0
    questions_asked: int = 0
    questions_reasked: int = 0
    ended_after_question: int = 0
    unanswered_followups: int = 0  # messages after a topic that got "can't help" (analytics/aggregate.py)
    conversations_with_unanswered_followup: int = 0
    followups_counted: int = 0  # conversations whose row counts them (rows made before it was counted do not)
    reached_department: int = 0
    median_turns_to_department: Optional[float] = None
    handoffs: Optional[int] = None  # None: only rows made before handoff to a person existed
    median_handoff_wait_seconds: Optional[float] = None
    by_channel: Dict[str, int] = field(default_factory=dict)
    by_language: Dict[str, int] = field(default_factory=dict)
    by_day: Dict[str, int] = field(default_factory=dict)
    departments: Dict[str, int] = field(default_factory=dict)  # conversations that reached each
    routes: Dict[str, int] = field(default_factory=dict)
    unrecognised: List[Tuple[str, int]] = field(default_factory=list)  # (masked words, conversations), >= THRESHOLD

    def share(self, count: int) -> float:
        return count / self.conversations if self.conversations else 0.0

    @property
    def cant_help_rate(self) -> float:
        """Conversations that got at least one "can't help", of all conversations."""
        return self.share(self.conversations_with_cant_help)

    @property
    def unanswered_followup_rate(self) -> float:
        """Conversations with at least one unanswered follow-up, of the conversations that count them."""
        counted = self.followups_counted
        return self.conversations_with_unanswered_followup / counted if counted else 0.0

    @property
    def ended_after_question_rate(self) -> float:
        return self.share(self.ended_after_question)

    def rows(self) -> List[Tuple[str, str, str]]:
        """(section, name, value) rows: the CSV and the terminal print these."""
        out = [
            ("range", "from", self.filters.start),
            ("range", "to", self.filters.end),
            ("range", "channel", self.filters.channel or "all"),
            ("range", "language", self.filters.language or "all"),
            ("total", "conversations", str(self.conversations)),
            ("total", "turns", str(self.turns)),
            ("total", "cant_help_replies", str(self.cant_help_replies)),
            ("total", "conversations_with_cant_help", str(self.conversations_with_cant_help)),
            ("total", "cant_help_rate", f"{self.cant_help_rate:.3f}"),
            ("total", "unanswered_followups", str(self.unanswered_followups)),
            ("total", "conversations_with_unanswered_followup", str(self.conversations_with_unanswered_followup)),
            ("total", "unanswered_followup_rate", f"{self.unanswered_followup_rate:.3f}"),
            ("total", "followups_counted_in", str(self.followups_counted)),
            ("total", "questions_asked", str(self.questions_asked)),
            ("total", "questions_reasked", str(self.questions_reasked)),
            ("total", "ended_after_question", str(self.ended_after_question)),
            ("total", "ended_after_question_rate", f"{self.ended_after_question_rate:.3f}"),
            ("total", "emergency_pointers", str(self.emergency_pointers)),
            ("total", "neighbour_pointers", str(self.neighbour_pointers)),
            ("total", "reached_department", str(self.reached_department)),
            ("total", "median_turns_to_department", _number(self.median_turns_to_department)),
            ("total", "handoffs", _number(self.handoffs)),
            ("total", "median_handoff_wait_seconds", _number(self.median_handoff_wait_seconds)),
        ]
        out += [("channel", name, str(n)) for name, n in self.by_channel.items()]
        out += [("language", name, str(n)) for name, n in self.by_language.items()]
        out += [("day", name, str(n)) for name, n in self.by_day.items()]
        out += [("department", name, str(n)) for name, n in self.departments.items()]
        out += [("route", name, str(n)) for name, n in self.routes.items()]
        out += [("unrecognised", words, str(n)) for words, n in self.unrecognised]
        return out

    def csv(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["section", "name", "value"])
        writer.writerows(self.rows())
        return buffer.getvalue()


def _number(value: Optional[float]) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def median_of(histogram: Sequence[Tuple[int, int]]) -> Optional[float]:
    """The median of values given as (value, how many) pairs, sorted by value."""
    total = sum(n for _, n in histogram)
    if not total:
        return None
    wanted = [(total - 1) // 2, total // 2]
    found: List[int] = []
    seen = 0
    for value, n in histogram:
        for index in list(wanted):
            if seen <= index < seen + n:
                found.append(value)
                wanted.remove(index)
        seen += n
    return sum(found) / len(found)


def figures(engine: sa.engine.Engine, filters: Filters) -> Figures:
    c = conversations.c
    out = Figures(filters)
    where = filters.where(conversations)
    with engine.connect() as conn:
        totals = conn.execute(
            sa.select(
                sa.func.count(),
                sa.func.coalesce(sa.func.sum(c.turns), 0),
                sa.func.coalesce(sa.func.sum(c.cant_help), 0),
                sa.func.coalesce(sa.func.sum(sa.case((c.cant_help > 0, 1), else_=0)), 0),
                sa.func.coalesce(sa.func.sum(c.emergency), 0),
                sa.func.coalesce(sa.func.sum(c.neighbour), 0),
                sa.func.coalesce(sa.func.sum(c.questions), 0),
                sa.func.coalesce(sa.func.sum(c.reasked), 0),
                sa.func.coalesce(sa.func.sum(c.ended_after_question), 0),
                sa.func.count(c.handoffs),
                sa.func.sum(c.handoffs),
                sa.func.count(c.unanswered_followups),
                sa.func.coalesce(sa.func.sum(c.unanswered_followups), 0),
                sa.func.coalesce(sa.func.sum(sa.case((c.unanswered_followups > 0, 1), else_=0)), 0),
            ).where(*where)
        ).one()
        (
            out.conversations,
            out.turns,
            out.cant_help_replies,
            out.conversations_with_cant_help,
            out.emergency_pointers,
            out.neighbour_pointers,
            out.questions_asked,
            out.questions_reasked,
            out.ended_after_question,
        ) = (int(v) for v in totals[:9])
        out.handoffs = int(totals[10]) if totals[9] else None
        out.followups_counted, out.unanswered_followups, out.conversations_with_unanswered_followup = (
            int(v) for v in totals[11:14]
        )
        waits = sorted(
            float(v)
            for (v,) in conn.execute(
                sa.select(c.handoff_wait_seconds).where(*where, c.handoff_wait_seconds.isnot(None))
            )
        )
        if waits:  # the median of the conversations' mean waits
            middle = len(waits) // 2
            out.median_handoff_wait_seconds = (
                waits[middle] if len(waits) % 2 else (waits[middle - 1] + waits[middle]) / 2
            )
        histogram = conn.execute(
            sa.select(c.turns_to_department, sa.func.count())
            .where(*where, c.turns_to_department.isnot(None))
            .group_by(c.turns_to_department)
            .order_by(c.turns_to_department)
        ).all()
        out.reached_department = sum(int(n) for _, n in histogram)
        out.median_turns_to_department = median_of([(int(v), int(n)) for v, n in histogram])
        for column, target in ((c.channel, out.by_channel), (c.language, out.by_language), (c.day, out.by_day)):
            for value, n in conn.execute(
                sa.select(column, sa.func.count()).where(*where).group_by(column).order_by(column)
            ):
                target[str(value)] = int(n)
        for kind, target in (("department", out.departments), ("route", out.routes)):
            rows = conn.execute(
                sa.select(labels.c.value, sa.func.count())
                .where(*filters.where(labels), labels.c.kind == kind)
                .group_by(labels.c.value)
                .order_by(sa.func.count().desc(), labels.c.value)
            )
            target.update((str(value), int(n)) for value, n in rows)
        seen = unrecognised_seen.c
        count = sa.func.count(sa.distinct(seen.key))
        groups = conn.execute(
            sa.select(unrecognised.c.words, count)
            .join(unrecognised, unrecognised.c.group == seen.group)
            .where(*filters.where(unrecognised_seen), unrecognised.c.words.isnot(None))
            .group_by(seen.group, unrecognised.c.words)
            .having(count >= THRESHOLD)
            .order_by(count.desc(), unrecognised.c.words)
            .limit(20)
        )
        out.unrecognised = [(str(words), int(n)) for words, n in groups]
    return out


_RECENT: Dict[Tuple[str, Filters], Tuple[float, Figures]] = {}
RECENT_SECONDS = 30.0


def recent_figures(engine: sa.engine.Engine, filters: Filters, now: Optional[float] = None) -> Figures:
    """``figures``, kept for RECENT_SECONDS: a page and its charts (one request each) query once.
    The aggregates change only when the job runs (every few minutes)."""
    now = time.monotonic() if now is None else now
    key = (str(engine.url), filters)
    found = _RECENT.get(key)
    if found is None or now - found[0] > RECENT_SECONDS:
        if len(_RECENT) >= 32:
            _RECENT.clear()
        found = _RECENT[key] = (now, figures(engine, filters))
    return found[1]


def parse_filters(params: Mapping[str, str], today: Optional[dt.date] = None) -> Filters:
    """Filters from query parameters (from, to, channel, language); default: the last 30 days.
    Raises ValueError on a bad date or an unknown channel."""
    today = today or dt.datetime.now(dt.timezone.utc).date()
    end = dt.date.fromisoformat(params.get("to") or today.isoformat())
    start = dt.date.fromisoformat(params.get("from") or (end - dt.timedelta(days=29)).isoformat())
    if start > end:
        raise ValueError("the start date is after the end date")
    channel = (params.get("channel") or "").strip().lower() or None
    if channel is not None and channel not in CHANNELS:
        raise ValueError(f"the channel is one of: {', '.join(CHANNELS)}")
    language = (params.get("language") or "").strip().lower() or None
    if language is not None and not (language.isalpha() and len(language) <= 8):
        raise ValueError("the language is a language code such as en or es")
    return Filters(start.isoformat(), end.isoformat(), channel, language)


def main(argv: Optional[Sequence[str]] = None) -> int:
    from analytics.job import load_env

    parser = argparse.ArgumentParser(description="Print the analytics figures for a date range.")
    parser.add_argument("--from", dest="start", help="first day, YYYY-MM-DD (default: 30 days before --to)")
    parser.add_argument("--to", dest="end", help="last day, YYYY-MM-DD (default: today, UTC)")
    parser.add_argument("--channel", choices=CHANNELS)
    parser.add_argument("--language")
    parser.add_argument("--csv", action="store_true", help="CSV instead of aligned columns")
    parser.add_argument("--env-file", default=".env")
    args = parser.parse_args(argv)
    try:
        filters = parse_filters(
            {
                "from": args.start or "",
                "to": args.end or "",
                "channel": args.channel or "",
                "language": args.language or "",
            }
        )
    except ValueError as problem:
        parser.error(str(problem))
    store = AnalyticsStore.from_env(load_env(args.env_file))
    try:
        found = figures(store.engine, filters)
    finally:
        store.dispose()
    if args.csv:
        sys.stdout.write(found.csv())
    else:
        for section, name, value in found.rows():
            print(f"{section:<13} {name:<32} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
