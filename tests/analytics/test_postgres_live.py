"""The analytics job with the tracker store and the aggregates on a real PostgreSQL
(Debian's, started here), as with TRACKER_STORE=postgres."""

from __future__ import annotations

import pytest

from analytics import job
from analytics.report import Filters, figures
from analytics.store import AnalyticsStore, database_url
from privacy.retention import database_url as tracker_url
from tests.analytics.seed import Talk, store_events, tracker_db

pytestmark = pytest.mark.live  # a real PostgreSQL


def test_the_job_reads_postgres_and_writes_postgres(postgres_env):
    url = tracker_url(postgres_env)
    tracker = tracker_db(url)
    store = AnalyticsStore(database_url({"ANALYTICS_DB": url}))  # any SQLAlchemy URL; here the same database
    try:
        for n in range(5):
            store_events(tracker, f"sms-{n}", Talk().user("vet records for my dog").bot("fallback").events)
        store_events(tracker, "web-1", Talk().user("records").slot("department", "roi").bot("department_card").events)
        assert job.run(tracker, store)["conversations"] == 6
        store_events(tracker, "web-1", Talk().user("thanks").bot("text").events[3:])
        assert job.run(tracker, store)["conversations"] == 1
        found = figures(store.engine, Filters("2026-12-01", "2026-12-31"))
        assert (found.conversations, found.turns, found.departments) == (6, 7, {"roi": 1})
        assert found.unrecognised == [("vet records for my dog", 5)]
    finally:
        tracker.dispose()
        store.dispose()
