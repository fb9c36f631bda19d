"""Legal and policy due dates for a records request. No Rasa imports.

Working (business) days skip Saturdays, Sundays and US federal holidays (from the
``holidays`` library, so observed dates like a Friday before July 4 are right).
Dates people type ("March 3", "10/14", "two weeks ago", "last Monday") are read
with ``dateparser`` relative to ``today``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import List, Optional, Tuple

import holidays

from triage.content_schema import Content, DeadlineRule, Text

FEDERAL = "federal"


@lru_cache(maxsize=64)
def _us_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("US", years=year)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _us_holidays(day.year)


def add_working_days(start: dt.date, count: int) -> dt.date:
    """The ``count``-th working day after ``start`` (``start`` itself not counted)."""
    if count < 0:
        raise ValueError("count must be 0 or more")
    day = start
    while count:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


@dataclass(frozen=True)
class DueDate:
    label: Text
    due: dt.date
    unit: str
    days: int
    passed: bool
    legal: bool  # a deadline in law (False for the health system's own aim)


def _days(content: Content, key: str) -> int:
    amount = content.values[key].amount
    if amount is None:  # the content check refuses a deadline value without an amount
        raise KeyError(f"values.{key} has no amount")
    return int(amount)


def _rules_for(content: Content, jurisdiction: Optional[str]) -> List[Tuple[DeadlineRule, bool]]:
    deadlines = content.rights.deadlines
    where = jurisdiction if jurisdiction in deadlines else FEDERAL
    return [(rule, False) for rule in deadlines.get("policy", [])] + [(rule, True) for rule in deadlines[where]]


def due_dates(content: Content, asked_on: dt.date, jurisdiction: Optional[str], today: dt.date) -> List[DueDate]:
    """Every due date that applies to a request made on ``asked_on``.

    A state with its own deadline (Washington, California) uses it; Oregon and
    everywhere else use the federal one. The health system's own aim comes first.
    """
    out = []
    for rule, legal in _rules_for(content, jurisdiction):
        days = _days(content, rule.value) + (_days(content, rule.extra) if rule.extra else 0)
        if rule.unit == "days":
            due = asked_on + dt.timedelta(days=days)
        else:
            due = add_working_days(asked_on, days)
        out.append(DueDate(rule.label, due, rule.unit, days, due < today, legal))
    return out


def legal_deadline_passed(dates: List[DueDate]) -> bool:
    """The first legal deadline has passed (the later one needs a written notice)."""
    legal = [d for d in dates if d.legal]
    return bool(legal) and legal[0].passed


# --- reading dates people type -------------------------------------------------
_RELATIVE = re.compile(
    r"\b(ago|yesterday|today|last|this past|past|week|weeks|month|months|day|days|monday|tuesday|wednesday|thursday|friday|saturday|sunday|hace|ayer|anteayer|pasado|pasada|semana|semanas|mes|meses|dia|dias|días|lunes|martes|miercoles|miércoles|jueves|viernes|sabado|sábado|domingo)\b"
)
_MONTHS = (
    "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|"
    "august|september|october|november|december|enero|febrero|marzo|abril|mayo|junio|julio|agosto|"
    "septiembre|octubre|noviembre|diciembre"
)
_WORD_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "couple of": 2,
    "few": 3,
}
# Spanish: "hace dos semanas", "hace un par de meses", "hace como tres dias"
_SPANISH_NUMBERS = {
    "un": 1,
    "una": 1,
    "dos": 2,
    "tres": 3,
    "cuatro": 4,
    "cinco": 5,
    "seis": 6,
    "siete": 7,
    "ocho": 8,
    "nueve": 9,
    "diez": 10,
    "once": 11,
    "doce": 12,
    "un par de": 2,
    "unos cuantos": 3,
    "unas cuantas": 3,
    "unos": 3,
    "unas": 3,
}
_SPANISH_UNITS = {
    "dia": "days",
    "dias": "days",
    "semana": "weeks",
    "semanas": "weeks",
    "mes": "months",
    "meses": "months",
}


@dataclass(frozen=True)
class DateReading:
    day: Optional[dt.date] = None
    problem: Optional[str] = None  # missing | future | unreadable


def _looks_like_date(found: str) -> bool:
    """dateparser also reads "may", "second" or "now" as dates; keep only text
    with a day number or a relative expression."""
    text = found.lower()
    if _RELATIVE.search(text):
        return True
    if re.search(r"\d{1,2}\s*/\s*\d{1,2}", text):
        return True
    return bool(
        re.search(rf"\b({_MONTHS})\.?\s+\d{{1,2}}|\b\d{{1,2}}(st|nd|rd|th)?\s+(of\s+|de\s+)?({_MONTHS})\b", text)
    )


def _normalise(text: str) -> str:
    text = text.lower()
    # "a couple of weeks ago", "a few days ago" -> digits dateparser reads
    for words, number in sorted(_WORD_NUMBERS.items(), key=lambda kv: -len(kv[0])):
        text = re.sub(rf"\b(?:a\s+)?{words}\s+(day|week|month)s?\s+ago\b", rf"{number} \1s ago", text)
    text = re.sub(
        r"\b(over|about|around|almost|nearly|like|roughly|more than)\s+(\d+\s+(?:day|week|month)s?\s+ago)", r"\2", text
    )
    # Spanish "hace (como|mas de) dos semanas" -> "2 weeks ago"
    text = text.replace("días", "dias")
    numbers = "|".join(sorted((re.escape(w) for w in _SPANISH_NUMBERS), key=len, reverse=True))
    units = "|".join(sorted(_SPANISH_UNITS, key=len, reverse=True))

    def spanish(match: re.Match) -> str:
        count = match.group(1)
        number = int(count) if count.isdigit() else _SPANISH_NUMBERS[count]
        return f"{number} {_SPANISH_UNITS[match.group(2)]} ago"

    text = re.sub(
        rf"\bhace\s+(?:como\s+|mas\s+de\s+|más\s+de\s+|casi\s+|unos\s+(?=\d)|unas\s+(?=\d))?(\d+|{numbers})\s+({units})\b",
        spanish,
        text,
    )
    text = re.sub(r"\b(?:la\s+)?semana\s+pasada\b", "1 weeks ago", text)
    text = re.sub(r"\b(?:el\s+)?mes\s+pasado\b", "1 months ago", text)
    return text


def read_date(text: str, today: dt.date, whole_text_is_date: bool = False) -> DateReading:
    """The date a request was made, from a message ("I asked on March 3")."""
    from dateparser.search import search_dates  # imported lazily: it is slow to import

    text = _normalise(text or "")
    settings = {
        "PREFER_DATES_FROM": "past",
        "RELATIVE_BASE": dt.datetime.combine(today, dt.time(12)),
        "DATE_ORDER": "MDY",
        "PREFER_DAY_OF_MONTH": "first",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    found = search_dates(text, languages=["en", "es"], settings=settings) or []
    for surface, when in found:
        if not _looks_like_date(surface):
            continue
        day = when.date()
        if day > today:
            return DateReading(problem="future")
        return DateReading(day=day)
    return DateReading(problem="unreadable" if whole_text_is_date and text.strip() else "missing")
