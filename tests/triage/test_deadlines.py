"""Due dates: working days skip weekends and US federal holidays; typed dates."""

import datetime as dt

import pytest

from triage.content import load_content
from triage.deadlines import add_working_days, due_dates, is_working_day, legal_deadline_passed, read_date

C = load_content()
D = dt.date
TODAY = D(2026, 11, 21)


def test_federal_holidays_are_not_working_days():
    assert not is_working_day(D(2026, 11, 26))  # Thanksgiving
    assert not is_working_day(D(2026, 7, 3))  # Independence Day observed (Friday)
    assert not is_working_day(D(2027, 1, 18))  # Martin Luther King Jr. Day
    assert is_working_day(D(2026, 11, 27))  # day after Thanksgiving is not federal
    assert not is_working_day(D(2026, 11, 28))  # Saturday


@pytest.mark.parametrize(
    "start, count, expected",
    [
        (D(2026, 3, 3), 5, D(2026, 3, 10)),  # Tue + 5 -> next Tue
        (D(2026, 3, 3), 15, D(2026, 3, 24)),
        (D(2026, 3, 3), 21, D(2026, 4, 1)),
        (D(2026, 11, 20), 5, D(2026, 11, 30)),  # skips Thanksgiving
        (D(2026, 12, 23), 3, D(2026, 12, 29)),  # skips Christmas and the weekend
        (D(2026, 11, 21), 1, D(2026, 11, 23)),  # from a Saturday
        (D(2026, 3, 3), 0, D(2026, 3, 3)),
    ],
)
def test_add_working_days(start, count, expected):
    assert add_working_days(start, count) == expected


def dates(where, asked):
    return [(d.label.get(), d.due, d.passed) for d in due_dates(C, asked, where, TODAY)]


def test_washington_dates_for_march_3():
    assert [d[1] for d in dates("WA", D(2026, 3, 3))] == [D(2026, 3, 10), D(2026, 3, 24), D(2026, 4, 1)]


def test_california_dates_for_march_3():
    # 5 working days to look at them, 15 calendar days for copies
    assert [d[1] for d in dates("CA", D(2026, 3, 3))] == [D(2026, 3, 10), D(2026, 3, 10), D(2026, 3, 18)]


@pytest.mark.parametrize("where", ["federal", "OR", None])
def test_federal_thirty_plus_thirty_days(where):
    assert [d[1] for d in dates(where, D(2026, 10, 31))] == [D(2026, 11, 6), D(2026, 11, 30), D(2026, 12, 30)]


def test_passed_flags_and_the_first_legal_deadline():
    recent = due_dates(C, D(2026, 10, 31), "federal", TODAY)
    assert [d.passed for d in recent] == [True, False, False]
    assert not legal_deadline_passed(recent)
    assert legal_deadline_passed(due_dates(C, D(2026, 3, 3), "WA", TODAY))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("I asked on March 3, when is it due?", D(2026, 3, 3)),
        ("I requested my records 3 weeks ago and got nothing", D(2026, 10, 31)),
        ("sent it two weeks ago", D(2026, 11, 7)),
        ("a couple of weeks ago", D(2026, 11, 7)),
        ("over a month ago", D(2026, 10, 21)),
        ("on 10/14", D(2026, 10, 14)),
        ("October 2nd", D(2026, 10, 2)),
        ("last monday i emailed roi", D(2026, 11, 16)),
        ("yesterday", D(2026, 11, 20)),
        ("el 3 de marzo", D(2026, 3, 3)),
        ("lo pedi hace dos semanas", D(2026, 11, 7)),
        ("hace como 3 semanas mande la forma", D(2026, 10, 31)),
        ("hace un par de meses", D(2026, 9, 21)),
        ("el lunes pasado le escribi a roi", D(2026, 11, 16)),
        ("la semana pasada", D(2026, 11, 14)),
        ("hace 10 días", D(2026, 11, 11)),
        ("december 25", D(2025, 12, 25)),  # without a year: the last one that has passed
    ],
)
def test_read_date(text, expected):
    assert read_date(text, TODAY).day == expected


@pytest.mark.parametrize(
    "text",
    ["may i get my records", "how much for 120 pages", "in the second week", "", "necesito mis records", "hace frio"],
)
def test_words_that_are_not_dates(text):
    assert read_date(text, TODAY).day is None


def test_unreadable_and_future_dates_get_a_problem():
    assert read_date("banana", TODAY, whole_text_is_date=True).problem == "unreadable"
    assert read_date("banana", TODAY).problem == "missing"
    assert read_date("12/30/2026", TODAY).problem == "future"
