"""``content/handoff.yml``: the teams that take chats and texts, their staffed
hours (with source and reviewed date), and what the person is told.

Checked on load: every team's source is in ``content/sources.yml``, its
``hours_text`` is an entry of ``hours`` in ``content/organization.yml``, its
time zone exists, its spans parse; every text's placeholders resolve (``{team}``
and ``{minutes}`` are filled at answer time); every department named exists.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Tuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import validator

from handoff.hours import Span, staffed
from triage.content import CONTENT_DIR, load_content
from triage.content_schema import Content, Sourced, Strict, Text, placeholder_errors

RUNTIME = {"team", "minutes"}


class OpenSpan(Strict):
    days: List[str]
    from_: str
    to: str

    class Config:
        fields = {"from_": "from"}

    def span(self) -> Span:
        return Span.parse(self.days, self.from_, self.to)


class Team(Sourced):
    name: Text
    hours_text: str
    timezone: str
    open: List[OpenSpan]

    @validator("timezone")
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}") from error
        return value

    @validator("open")
    def _spans_parse(cls, value: List[OpenSpan]) -> List[OpenSpan]:
        if not value:
            raise ValueError("a team needs at least one staffed span")
        for item in value:
            item.span()
        return value

    def spans(self) -> Tuple[Span, ...]:
        return tuple(item.span() for item in self.open)

    def staffed(self, now: dt.datetime) -> bool:
        return staffed(self.spans(), self.timezone, now)


class Texts(Strict):
    queued: Text
    queued_sms: Text
    still_waiting: Text
    already_with_person: Text
    taken: Text
    ended: Text
    left: Text
    timed_out: Text
    closed: Text
    leave_button: Text
    end_button: Text


class HandoffContent(Strict):
    teams: Dict[str, Team]
    default_team: str
    department_teams: Dict[str, str]
    texts: Texts

    def team_for(self, department: Optional[str]) -> str:
        return self.department_teams.get(department or "", self.default_team)


def check(handoff: HandoffContent, content: Content) -> List[str]:
    errors: List[str] = []
    if handoff.default_team not in handoff.teams:
        errors.append(f"default_team {handoff.default_team!r} is not a team")
    for department, team_id in handoff.department_teams.items():
        if department not in content.departments:
            errors.append(f"department_teams: unknown department {department!r}")
        if team_id not in handoff.teams:
            errors.append(f"department_teams.{department}: unknown team {team_id!r}")
    for name, team in handoff.teams.items():
        if team.source not in content.sources:
            errors.append(f"teams.{name}: unknown source {team.source!r}")
        if team.hours_text not in content.hours:
            errors.append(f"teams.{name}: hours_text {team.hours_text!r} is not in organization.yml hours")
    values = {"contacts": content.contacts, "values": content.values, "hours": content.hours}
    errors += placeholder_errors(
        {"handoff": handoff}, values, also_known=lambda where, kind, ref: not ref and kind in RUNTIME
    )
    return errors


def parse(raw: dict, content: Content) -> HandoffContent:
    handoff = HandoffContent.parse_obj(raw)
    errors = check(handoff, content)
    if errors:
        raise ValueError("content/handoff.yml: " + "; ".join(errors))
    return handoff


@lru_cache(maxsize=4)
def load_handoff(content_dir: Optional[str] = None) -> HandoffContent:
    folder = Path(content_dir) if content_dir else CONTENT_DIR
    with open(folder / "handoff.yml", encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    return parse(raw, load_content(content_dir))
