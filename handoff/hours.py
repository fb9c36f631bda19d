"""Whether a team is staffed at a given moment. Plain Python, no Rasa.

A team's staffed hours are spans of clock time on days of the week in the
team's own time zone (``content/handoff.yml``). ``staffed(spans, zone, now)``
answers for any aware ``datetime``; a naive one is refused, since "8 am" means
nothing without a zone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import FrozenSet, Iterable
from zoneinfo import ZoneInfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # datetime.weekday() order


@dataclass(frozen=True)
class Span:
    """Open from ``start`` (included) to ``end`` (excluded) on each of ``days`` (0 = Monday)."""

    days: FrozenSet[int]
    start: dt.time
    end: dt.time

    @classmethod
    def parse(cls, days: Iterable[str], start: str, end: str) -> "Span":
        wanted = [d.strip().lower()[:3] for d in days]
        unknown = [d for d in wanted if d not in DAYS]
        if unknown or not wanted:
            raise ValueError(f"days must be some of {', '.join(DAYS)}: got {list(days)}")
        begin, finish = dt.time.fromisoformat(start), dt.time.fromisoformat(end)
        if finish <= begin:
            raise ValueError(f"a span must end after it starts: {start}-{end}")
        return cls(frozenset(DAYS.index(d) for d in wanted), begin, finish)

    def covers(self, local: dt.datetime) -> bool:
        return local.weekday() in self.days and self.start <= local.time() < self.end


def staffed(spans: Iterable[Span], zone: str, now: dt.datetime) -> bool:
    """True when ``now`` (aware) falls in one of ``spans`` in the time zone ``zone``."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must carry its time zone")
    local = now.astimezone(ZoneInfo(zone))
    return any(span.covers(local) for span in spans)
