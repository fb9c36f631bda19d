import datetime as dt

import pytest

import actions.rights_flow as rights_flow

TODAY = dt.date(2026, 11, 21)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    """Deadline answers depend on today's date: fix it for every action test."""
    monkeypatch.setattr(rights_flow, "today", lambda: TODAY)
    return TODAY
