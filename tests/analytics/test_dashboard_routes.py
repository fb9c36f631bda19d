"""/agent/dashboard, its CSV and its charts: the channel's handlers called directly
(tests/channels/test_agent.py's harness) over aggregates made by the job from seeded events."""

from __future__ import annotations

import asyncio
import csv
import io

import pytest
from argon2 import PasswordHasher

from accounts import passwords
from analytics import job
from analytics.store import AnalyticsStore
from tests.analytics.seed import Talk, store_events, tracker_db
from tests.channels.test_agent import PASSWORD, Console, FakeRequest, cookie_of

RANGE = {"from": "2026-12-01", "to": "2026-12-31"}
VET = "vet records for my dog"


@pytest.fixture
def console(tmp_path, monkeypatch):
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", cheap)
    monkeypatch.setattr(passwords, "_DUMMY_HASH", cheap.hash("dummy"))
    tracker = tracker_db(f"sqlite:///{tmp_path / 'tracker.db'}")
    for n in range(5):
        store_events(tracker, f"web-{n}", Talk().user(VET).bot("fallback").events)
    store_events(tracker, "sms-1", Talk().user("my cat's teeth").bot("fallback").events)
    talk = (
        Talk()
        .user("records", language="es")
        .slot("department", "roi")
        .slot("route", "roi_full")
        .bot("department_card")
        .user("/greet")  # a follow-up nobody answered
        .bot("fallback")
    )
    store_events(tracker, "agent-call-1", talk.events)
    made = Console(tmp_path)
    made.channel._analytics = AnalyticsStore(f"sqlite:///{tmp_path / 'analytics.db'}")
    job.run(tracker, made.channel._analytics)
    made.store.add("ana", PASSWORD)
    made.store.add("sam", PASSWORD, role="supervisor")
    yield made
    made.store.dispose()
    made.channel._analytics.dispose()
    tracker.dispose()


def get(console, uri, cookie=None, args=None, **params):
    request = FakeRequest(path=f"/agent{uri}", cookie=cookie)
    request.args = dict(args or RANGE)
    route = "/dashboard/chart/<name:str>" if uri.startswith("/dashboard/chart/") else uri
    return asyncio.run(console.routes[("GET", route)](request, **params))


def test_only_a_supervisor_sees_the_dashboard(console):
    agent = cookie_of(console.login("ana", PASSWORD))
    supervisor = cookie_of(console.login("sam", PASSWORD))
    for uri, params in (
        ("/dashboard", {}),
        ("/dashboard.csv", {}),
        ("/dashboard/chart/rates.svg", {"name": "rates.svg"}),
    ):
        assert get(console, uri, **params).status == 401
        refused = get(console, uri, agent, **params)
        assert refused.status == 403 and b"conversations" not in refused.body
        assert get(console, uri, supervisor, **params).status == 200
    assert get(console, "/dashboard", supervisor, args={"from": "soon"}).status == 400
    assert get(console, "/dashboard/chart/x.svg", supervisor, name="x.svg").status == 404


def test_the_page_csv_and_charts_show_the_figures_and_no_text_below_the_threshold(console):
    supervisor = cookie_of(console.login("sam", PASSWORD))
    html = get(console, "/dashboard", supervisor).body.decode()
    assert "<dd>7</dd>" in html  # conversations
    assert VET in html and "cat" not in html and "web-" not in html and "call-1" not in html
    assert "<script" not in html and 'src="/agent/dashboard/chart/departments.svg?from=2026-12-01' in html
    assert "<td>had an unanswered follow-up</td><td>1</td><td>14.3%</td>" in html
    assert "<td>got a can&#x27;t-help answer</td><td>7</td><td>100.0%</td>" in html
    resp = get(console, "/dashboard.csv", supervisor)
    assert resp.content_type.startswith("text/csv") and "attachment" in resp.headers["content-disposition"]
    rows = {(s, n): v for s, n, v in csv.reader(io.StringIO(resp.body.decode()))}
    assert rows[("total", "conversations")] == "7" and rows[("total", "cant_help_replies")] == "7"
    assert rows[("total", "conversations_with_unanswered_followup")] == "1"
    assert rows[("department", "roi")] == "1" and rows[("channel", "web")] == "5" and rows[("language", "es")] == "1"
    assert rows[("unrecognised", VET)] == "5" and "cat" not in resp.body.decode()
    only_sms = get(console, "/dashboard.csv", supervisor, args={**RANGE, "channel": "sms"}).body.decode()
    assert "total,conversations,1" in only_sms and "unrecognised" not in only_sms
    chart = get(console, "/dashboard/chart/channels.svg", supervisor, name="channels.svg")
    assert chart.content_type == "image/svg+xml" and "script-src" not in chart.headers["content-security-policy"]
    assert b"<svg" in chart.body and b">web<" in chart.body.replace(b"\n", b"")
