"""Staffed hours (handoff/hours.py) and content/handoff.yml (handoff/content.py)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from zoneinfo import ZoneInfo

import pytest
import yaml

from handoff.content import load_handoff
from handoff.hours import Span, staffed
from triage.content import CONTENT_DIR, load_content
from triage.render import Renderer

PORTLAND = ZoneInfo("America/Los_Angeles")
WEEKDAYS = [Span.parse(["mon", "tue", "wed", "thu", "fri"], "08:00", "16:30")]


@pytest.mark.parametrize(
    "when, expected",
    [
        (dt.datetime(2026, 12, 3, 8, 0, tzinfo=PORTLAND), True),  # Thursday, opening minute
        (dt.datetime(2026, 12, 3, 7, 59, tzinfo=PORTLAND), False),
        (dt.datetime(2026, 12, 3, 16, 29, tzinfo=PORTLAND), True),
        (dt.datetime(2026, 12, 3, 16, 30, tzinfo=PORTLAND), False),  # closing time is closed
        (dt.datetime(2026, 12, 5, 10, 0, tzinfo=PORTLAND), False),  # Saturday
        (dt.datetime(2026, 12, 6, 10, 0, tzinfo=PORTLAND), False),  # Sunday
        (dt.datetime(2026, 12, 7, 10, 0, tzinfo=PORTLAND), True),  # Monday
        (dt.datetime(2026, 12, 3, 17, 0, tzinfo=dt.timezone.utc), True),  # 9 am in Portland (PST, UTC-8)
        (dt.datetime(2026, 12, 4, 3, 0, tzinfo=dt.timezone.utc), False),  # 7 pm Thursday in Portland
        (dt.datetime(2026, 7, 1, 15, 30, tzinfo=dt.timezone.utc), True),  # 8:30 am in summer (PDT, UTC-7)
        (dt.datetime(2026, 7, 1, 15, 30, tzinfo=dt.timezone.utc) - dt.timedelta(hours=1), False),
    ],
)
def test_staffed(when, expected):
    assert staffed(WEEKDAYS, "America/Los_Angeles", when) is expected


def test_naive_times_are_refused():
    with pytest.raises(ValueError):
        staffed(WEEKDAYS, "America/Los_Angeles", dt.datetime(2026, 12, 3, 10, 0))


@pytest.mark.parametrize(
    "days, start, end", [([], "08:00", "16:00"), (["funday"], "08:00", "16:00"), (["mon"], "16:00", "08:00")]
)
def test_bad_spans_are_refused(days, start, end):
    with pytest.raises(ValueError):
        Span.parse(days, start, end)


def test_the_records_team_keeps_the_roi_phone_hours_from_the_facts():
    """8 am to 4:30 pm, Monday to Friday (facts/ROUTING.md, the ROI phone), with a source and a reviewed date."""
    team = load_handoff().teams["records"]
    assert team.spans() == tuple(WEEKDAYS)
    assert team.timezone == "America/Los_Angeles"
    content = load_content()
    assert team.source in content.sources and team.reviewed >= content.sources[team.source].read
    assert content.hours[team.hours_text].text.get() == "8 am to 4:30 pm, Monday to Friday"
    assert load_handoff().team_for("imaging") == "records"


def test_texts_are_short_enough_for_sms_and_name_the_phones():
    handoff = load_handoff()
    for language in ("en", "es"):
        render = Renderer(load_content(), language)
        for name in handoff.texts.__fields__:
            text = render.fill(getattr(handoff.texts, name), team="our records team", minutes="12")
            assert len(text) <= 160, (language, name, len(text))
            assert "{" not in text
        closed = render.fill(handoff.texts.closed)
        timed_out = render.fill(handoff.texts.timed_out)
        for text in (closed, timed_out):
            assert "503-571-5051" in text and "800-813-2000" in text
            assert render.fill(load_content().hours["roi_weekdays"].text) in text


def test_handoff_content_has_no_phone_number_typed_in():
    raw = (CONTENT_DIR / "handoff.yml").read_text(encoding="utf-8")
    assert not re.search(r"\d{3}-\d{3}-\d{4}", raw)


def copy_content(tmp_path, change):
    for name in CONTENT_DIR.glob("*.yml"):
        shutil.copy(name, tmp_path / name.name)
    raw = yaml.safe_load((tmp_path / "handoff.yml").read_text())
    change(raw)
    (tmp_path / "handoff.yml").write_text(yaml.safe_dump(raw, allow_unicode=True))
    return str(tmp_path)


@pytest.mark.parametrize(
    "change, error",
    [
        (lambda raw: raw["teams"]["records"].update(source="nowhere"), "unknown source"),
        (lambda raw: raw["teams"]["records"].update(hours_text="nights"), "hours_text"),
        (lambda raw: raw["teams"]["records"].update(timezone="Mars/Olympus"), "time zone"),
        (lambda raw: raw["teams"]["records"].update(open=[]), "at least one"),
        (lambda raw: raw.update(default_team="nobody"), "default_team"),
        (lambda raw: raw.update(department_teams={"dentistry": "records"}), "unknown department"),
        (lambda raw: raw["texts"].update(queued={"en": "Wait {contact.nobody}."}), "nobody"),
        (lambda raw: raw["teams"]["records"].pop("reviewed"), "reviewed"),
    ],
)
def test_content_checks(tmp_path, change, error):
    load_handoff.cache_clear()
    try:
        with pytest.raises(ValueError, match=error):
            load_handoff(copy_content(tmp_path, change))
    finally:
        load_handoff.cache_clear()
