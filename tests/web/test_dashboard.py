"""The supervisors' dashboard in headless Chromium: filters, figures, SVG charts that
load under the page's CSP, no axe-core violations, a screenshot in results/screenshots/."""

from __future__ import annotations

import datetime as dt
import time

import sqlalchemy as sa

from analytics import job
from analytics.store import AnalyticsStore
from tests.servers.serving import post_json
from tests.web.conftest import AGENT_PASSWORD, AGENT_USER
from tests.web.test_widget import wait_until
from tests.web.test_widget_ux import AXE, run_axe

UNHELPED = "can you order me a pizza"


def say(base, sender, message):
    return post_json(f"{base}/webhooks/rest/webhook", {"sender": sender, "message": message})


def test_supervisor_reads_the_dashboard(chromium, page, server, shot):
    base = server["base"]
    for n in range(5):
        say(base, f"dash-{n}", UNHELPED)
    say(base, "dash-records", "my lawyer wants copies of my medical records")
    tracker = sa.create_engine(f"sqlite:///{server['db']}")
    # a turn slower than the answer timeout is still being stored when its reply
    # (the contacts text) comes back: wait until each conversation's bot reply is in
    wait_for_stored(tracker, [*(f"dash-{n}" for n in range(5)), "dash-records"])
    store = AnalyticsStore(f"sqlite:///{server['db'].parent / 'analytics.db'}")  # the server's ANALYTICS_DB
    try:
        job.run(tracker, store)
    finally:
        tracker.dispose()
        store.dispose()

    # the page as served (its CSP on): figures, charts that load, the CSV
    sign_in(page, base)
    page.get_by_label("Channel", exact=True).select_option(
        "rest"
    )  # other tests talk through the widget and the console
    today = dt.datetime.now(dt.timezone.utc).date().isoformat()
    page.get_by_label("From", exact=True).fill(today)
    page.get_by_label("To", exact=True).fill(today)
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**channel=rest**")
    assert page.locator(".db-totals dd").first.inner_text() == "6"
    assert UNHELPED in page.locator("section", has=page.locator("#db-unrecognised")).inner_text()
    assert page.locator(".db-chart img").count() == 6
    wait_until(page, "[...document.querySelectorAll('.db-chart img')].every((i) => i.complete && i.naturalWidth > 0)")
    shot(page, "dashboard")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    assert "total,conversations,6" in open(download.value.path()).read()

    # axe-core; this context bypasses the CSP for axe's injected script only
    assert AXE.exists(), "node_modules/axe-core is missing: run `npm ci --no-audit --no-fund` (make test does)"
    ctx = chromium.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    try:
        checked = ctx.new_page()
        checked.set_default_timeout(60_000)
        sign_in(checked, base)
        checked.goto(page.url)
        found = run_axe(checked)
        assert found == [], f"axe violations on the dashboard: {found}"
    finally:
        ctx.close()


def wait_for_stored(tracker, senders, seconds=60.0):
    query = sa.text("SELECT COUNT(DISTINCT sender_id) FROM events WHERE type_name = 'bot' AND sender_id IN :senders")
    query = query.bindparams(sa.bindparam("senders", expanding=True))
    deadline = time.monotonic() + seconds
    while True:
        with tracker.connect() as connection:
            stored = connection.execute(query, {"senders": list(senders)}).scalar()
        if stored == len(senders) or time.monotonic() > deadline:
            assert stored == len(senders), f"{stored} of {len(senders)} conversations stored"
            return
        time.sleep(0.5)


def sign_in(page, base):
    page.goto(f"{base}/agent/")
    page.get_by_label("User name").fill(AGENT_USER)  # the first account from .env: a supervisor
    page.get_by_label("Password").fill(AGENT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.locator("#ac-current-call").wait_for()
    page.goto(f"{base}/agent/dashboard")
