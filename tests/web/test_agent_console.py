"""The agent console in headless Chromium, used as a call-center agent would."""

from __future__ import annotations

import json

from playwright.sync_api import expect

from tests.web.conftest import AGENT_PASSWORD, AGENT_USER


def sign_in(page, server, password=AGENT_PASSWORD):
    page.goto(f"{server['base']}/agent/")
    page.get_by_label("User name").fill(AGENT_USER)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def wait_updated(page, before):
    page.locator("#ac-history li").nth(before).wait_for()
    expect(page.locator("#ac-status")).to_have_text("Updated.")


def history_len(page):
    return page.locator("#ac-history li").count()


def test_console_needs_a_sign_in(page, server, shot):
    response = page.goto(f"{server['base']}/agent/")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert page.get_by_label("Password").count() == 1
    assert page.locator("#ac-say-text").count() == 0
    sign_in(page, server, password="wrong-password")
    assert "Wrong user name or password." in page.locator(".notice").inner_text()
    shot(page, "refused")
    # the API refuses callers without a session
    reply = page.request.post(f"{server['base']}/agent/message", data={"call_id": "call-1", "message": "hi"})
    assert reply.status == 401


def test_walk_one_call_to_a_final_answer(page, server, shot):
    sign_in(page, server)
    ask = page.locator("#ac-ask")
    ask.get_by_role("button", name="X-rays or scans").wait_for()
    assert "Ask the caller what they need" in ask.inner_text()  # channel: agent wording
    call = page.locator("#ac-current-call").inner_text()
    shot(page, "start")

    before = history_len(page)
    ask.get_by_role("button", name="X-rays or scans").click()
    wait_updated(page, before)
    assert "Ask the caller what kind of images they need." in ask.inner_text()
    assert ask.get_by_role("button").count() == 4
    assert "Not known yet." in page.locator("#ac-department").inner_text()
    shot(page, "question")

    before = history_len(page)
    ask.get_by_role("button", name="Dental x-rays").click()
    wait_updated(page, before)
    assert "Release of Information" in page.locator("#ac-department").inner_text()
    say = page.locator("#ac-say-text")
    assert say.locator("ol li").count() >= 2  # the steps to read out
    checklist = page.locator("#ac-checklist input[type=checkbox]")
    assert checklist.count() >= 2
    contacts = page.locator("#ac-contacts")
    assert contacts.locator('a[href="tel:+15035715051"]').count() == 1
    assert "No question" in ask.inner_text()
    assert "Caller: X-rays or scans" in page.locator("#ac-history").inner_text()
    shot(page, "answer")

    # a new caller starts a fresh conversation with a new call id
    page.get_by_role("button", name="New caller").click()
    page.locator("#ac-ask").get_by_role("button", name="Medical records").wait_for()
    assert page.locator("#ac-current-call").inner_text() != call
    assert "Not known yet." in page.locator("#ac-department").inner_text()
    assert "Caller:" not in page.locator("#ac-history").inner_text()


def test_agent_types_what_the_caller_says_with_a_call_id(page, server, shot):
    sign_in(page, server)
    page.locator("#ac-ask").get_by_role("button", name="Medical records").wait_for()
    page.get_by_label("Call id").fill("PBX-20261121-0042")
    page.get_by_role("button", name="New caller").click()
    page.locator("#ac-ask").get_by_role("button", name="Medical records").wait_for()
    assert page.locator("#ac-current-call").inner_text() == "PBX-20261121-0042"
    before = history_len(page)
    page.get_by_label("What the caller says").fill("my lawyer needs my records")
    page.get_by_label("What the caller says").press("Enter")
    wait_updated(page, before)
    assert "Release of Information" in page.locator("#ac-department").inner_text()
    assert "signed" in page.locator("#ac-checklist").inner_text().lower()
    shot(page, "typed")


def test_posts_need_the_csrf_token(page, server):
    sign_in(page, server)
    page.locator("#ac-ask").get_by_role("button", name="Medical records").wait_for()
    url = f"{server['base']}/agent/message"
    body = {"call_id": "csrf-test", "message": "hello"}
    assert page.request.post(url, data=body).status == 403
    assert page.request.post(url, data=body, headers={"X-CSRF-Token": "forged"}).status == 403
    token = page.request.get(f"{server['base']}/agent/session").json()["csrf"]
    ok = page.request.post(url, data=body, headers={"X-CSRF-Token": token})
    assert ok.status == 200 and isinstance(json.loads(ok.text()), list)


def test_sign_out(page, server):
    sign_in(page, server)
    page.locator("#ac-ask").get_by_role("button", name="Medical records").wait_for()
    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Password").wait_for()
    assert page.request.get(f"{server['base']}/agent/session").status == 401


def test_the_old_cookie_is_worthless_after_sign_out(page, server, chromium):
    sign_in(page, server)
    page.locator("#ac-ask").get_by_role("button", name="Medical records").wait_for()
    session = page.request.get(f"{server['base']}/agent/session").json()
    assert session["user"] == AGENT_USER and session["role"] == "supervisor"  # the .env account is the first one
    old = {c["name"]: c["value"] for c in page.context.cookies()}["agent_session"]
    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Password").wait_for()
    # replay the copied cookie from another client, as someone who stole it would
    thief = chromium.new_context(extra_http_headers={"Cookie": f"agent_session={old}"})
    try:
        assert thief.request.get(f"{server['base']}/agent/session").status == 401
        body = {"call_id": "replay-1", "message": "hello"}
        reply = thief.request.post(
            f"{server['base']}/agent/message", data=body, headers={"X-CSRF-Token": session["csrf"]}
        )
        assert reply.status == 401
        assert "Password" in thief.request.get(f"{server['base']}/agent/").text()
    finally:
        thief.close()


def test_a_letter_is_shown_as_a_read_out_block(page, server):
    from tests.web.test_widget import LETTER

    def fake(route):
        if "letter please" in (route.request.post_data or ""):
            route.fulfill(
                status=200,
                content_type="application/json",
                body=json.dumps(
                    [
                        {"recipient_id": "x", "text": "Read the letter to the caller."},
                        {"recipient_id": "x", "custom": LETTER},
                    ]
                ),
            )
        else:
            route.continue_()

    sign_in(page, server)
    page.locator("#ac-ask").get_by_role("button", name="Medical records").wait_for()
    page.route("**/agent/message", fake)
    before = history_len(page)
    page.get_by_label("What the caller says").fill("letter please")
    page.get_by_role("button", name="Send").click()
    wait_updated(page, before)
    block = page.locator(".ac-readout")
    assert LETTER["title"] in block.inner_text()
    assert "Name: [Your full name]" in block.locator(".ac-letter").inner_text()


def test_the_real_letter_is_read_out(page, server):
    sign_in(page, server)
    page.locator("#ac-ask").get_by_role("button", name="Medical records").wait_for()
    before = history_len(page)
    page.get_by_label("What the caller says").fill("/request_records_letter")
    page.get_by_role("button", name="Send").click()
    wait_updated(page, before)
    if page.locator(".ac-readout").count() == 0:  # asked which state first
        before = history_len(page)
        page.locator("#ac-ask .ac-answer").first.click()
        wait_updated(page, before)
    block = page.locator(".ac-readout")
    assert block.count() == 1 and len(block.locator(".ac-letter").inner_text()) > 100
    assert "caller" in page.locator("#ac-say-text").inner_text()
