"""The agent console in headless Chromium, used as a call-center agent would."""

from __future__ import annotations

import json

from playwright.sync_api import expect

from tests.web.conftest import AGENT_PASSWORD, AGENT_USER
from triage.content import load_content


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
    assert "How can I help you today?" in ask.inner_text()  # channel: agent wording, read out to the caller
    call = page.locator("#ac-current-call").inner_text()
    shot(page, "start")

    before = history_len(page)
    ask.get_by_role("button", name="X-rays or scans").click()
    wait_updated(page, before)
    assert "What kind of images do you need: an x-ray, CT or MRI;" in ask.inner_text()
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


def answer(page, name):
    before = history_len(page)
    page.locator("#ac-ask").get_by_role("button", name=name).click()
    wait_updated(page, before)


def test_the_ask_panel_reads_questions_aloud_to_the_caller(page, server, shot):
    sign_in(page, server)
    ask = page.locator("#ac-ask")
    ask.get_by_role("button", name="Medical records").wait_for()
    answer(page, "Medical records")
    text = ask.inner_text()
    assert "Which records do you need:" in text and "?" in text
    assert "Ask the caller" not in text and "the caller" not in text
    shot(page, "ask")


def test_a_reload_mid_call_keeps_history_panels_notes_and_outcome(page, server, shot):
    sign_in(page, server)
    page.locator("#ac-ask").get_by_role("button", name="X-rays or scans").wait_for()
    call = page.locator("#ac-current-call").inner_text()
    answer(page, "X-rays or scans")
    answer(page, "Dental x-rays")
    page.locator("#ac-outcome").select_option("sent_form")
    page.locator("#ac-notes").fill("Caller gave SSN 123-45-6789 by mistake; sent the ROI form")
    page.get_by_role("button", name="Save notes").click()
    expect(page.locator("#ac-notes-status")).to_contain_text("Saved by " + AGENT_USER)
    assert page.locator("#ac-notes").input_value() == "Caller gave SSN [ssn] by mistake; sent the ROI form"
    history = page.locator("#ac-history").inner_text()
    department = page.locator("#ac-department").inner_text()
    steps = page.locator("#ac-say-text ol li").count()
    checks = page.locator("#ac-checklist input[type=checkbox]").count()

    page.reload()
    expect(page.locator("#ac-status")).to_have_text("Call restored.")
    assert page.locator("#ac-current-call").inner_text() == call
    assert page.locator("#ac-history").inner_text() == history
    assert "Caller: X-rays or scans" in history and "Caller: Dental x-rays" in history
    assert page.locator("#ac-department").inner_text() == department and "Release of Information" in department
    assert page.locator("#ac-say-text ol li").count() == steps >= 2
    assert page.locator("#ac-checklist input[type=checkbox]").count() == checks >= 2
    assert page.locator('#ac-contacts a[href="tel:+15035715051"]').count() == 1
    assert page.locator("#ac-outcome").input_value() == "sent_form"
    assert "[ssn]" in page.locator("#ac-notes").input_value()
    assert "6789" not in page.locator("#ac-notes").input_value()
    assert "Release of Information" in page.locator("#ac-transfer").inner_text()
    shot(page, "restored")

    # the call goes on after the reload, in the same conversation
    page.get_by_role("button", name="New caller").click()
    page.locator("#ac-ask").get_by_role("button", name="Medical records").wait_for()
    assert page.locator("#ac-notes").input_value() == "" and page.locator("#ac-outcome").input_value() == ""


def test_transfer_shows_the_departments_number_and_copy_copies_it(chromium, server, shot):
    context = chromium.new_context(viewport={"width": 1000, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server["base"])
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        imaging = load_content().contacts["imaging_phone"].value
        sign_in(page, server)
        page.locator("#ac-ask").get_by_role("button", name="X-rays or scans").wait_for()
        answer(page, "X-rays or scans")
        answer(page, "X-ray, CT or MRI")
        transfer = page.locator("#ac-transfer")
        assert "Imaging" in transfer.inner_text() and imaging in transfer.inner_text()
        assert transfer.locator(f'a[href="tel:+1{imaging.replace("-", "")}"]').count() == 1
        transfer.get_by_role(
            "button", name=f"Copy {load_content().contacts['imaging_phone'].label.get()} {imaging}"
        ).click()
        expect(page.locator("#ac-copied")).to_contain_text("Copied")
        expect(page.locator("#ac-copied")).to_contain_text(imaging)
        assert page.evaluate("navigator.clipboard.readText()") == imaging
        shot(page, "transfer")
        # any other department, from the list
        roi = load_content().contacts["roi_phone"].value
        label = page.locator("#ac-transfer-dept option", has_text="Release of Information").first.inner_text()
        page.get_by_label("Another department").select_option(label=label)
        other = page.locator("#ac-transfer-other")
        assert roi in other.inner_text()
        other.get_by_role("button", name=f"Copy ROI phone {roi}").click()
        expect(page.locator("#ac-copied")).to_contain_text(roi)
        assert page.evaluate("navigator.clipboard.readText()") == roi
    finally:
        context.close()


def test_call_endpoints_need_a_session_and_the_csrf_token(page, server):
    base = server["base"]
    assert page.request.get(f"{base}/agent/call/call-1").status == 401
    assert page.request.get(f"{base}/agent/directory").status == 401
    sign_in(page, server)
    page.locator("#ac-ask").get_by_role("button", name="Medical records").wait_for()
    notes = {"outcome": "other", "notes": "x"}
    assert page.request.post(f"{base}/agent/call/call-1/notes", data=notes).status == 403
    token = page.request.get(f"{base}/agent/session").json()["csrf"]
    assert page.request.post(f"{base}/agent/call/call-1/notes", data=notes, headers={"X-CSRF-Token": token}).ok
    body = page.request.get(f"{base}/agent/directory").json()
    assert {d["department"] for d in body["departments"]} == set(load_content().departments)


def test_no_axe_violations_on_the_sign_in_page_and_the_console(chromium, server, shot):
    """axe-core (npm, as for the widget) on the sign-in page and on the console in the
    middle of a call; the context bypasses the pages' CSP for axe's injected script only."""
    from tests.web.test_widget_ux import AXE, run_axe

    assert AXE.exists(), "node_modules/axe-core is missing: run `npm ci --no-audit --no-fund` (make test does)"
    ctx = chromium.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True)
    try:
        page = ctx.new_page()
        page.set_default_timeout(60_000)
        page.goto(f"{server['base']}/agent/")
        page.get_by_label("Password").wait_for()
        assert run_axe(page) == [], "axe violations on the sign-in page"
        sign_in(page, server)
        ask = page.locator("#ac-ask")
        ask.get_by_role("button", name="X-rays or scans").wait_for()
        before = history_len(page)
        ask.get_by_role("button", name="X-rays or scans").click()
        wait_updated(page, before)
        before = history_len(page)
        ask.get_by_role("button", name="Dental x-rays").click()
        wait_updated(page, before)
        shot(page, "axe")
        found = run_axe(page)
        assert found == [], f"axe violations in the console: {found}"
    finally:
        ctx.close()


def test_a_spanish_speaking_caller(page, server, shot):
    """Español for a call: what to say and ask, the answers and the checklist come in
    Spanish, the console's own labels stay in English, and the call keeps its language
    after a reload; the guided script for the call is the Spanish one."""
    from triage.content import load_agent_wording

    content, wording = load_content(), load_agent_wording()
    sign_in(page, server)
    ask = page.locator("#ac-ask")
    ask.get_by_role("button", name="X-rays or scans").wait_for()
    language = page.get_by_role("group", name="The caller speaks")
    assert language.get_by_role("button", name="English").get_attribute("aria-pressed") == "true"
    assert page.locator("#ac-call-language").inner_text() == "English"

    language.get_by_role("button", name="Español").click()
    ask.get_by_role("button", name="Radiografías o imágenes").wait_for()  # the opening question, now in Spanish
    expect(page.locator("#ac-status")).to_have_text("Updated.")
    assert wording.greeting.get("es") in ask.inner_text()
    assert ask.locator(".ac-text").first.get_attribute("lang") == "es"
    assert language.get_by_role("button", name="Español").get_attribute("aria-pressed") == "true"
    assert page.locator("#ac-call-language").inner_text() == "Spanish"
    history = page.locator("#ac-history").inner_text()
    assert "Caller: Español" in history and wording.language_chosen.get("es") in history
    assert "escriba ENGLISH" not in history  # the chat's words are not read to a caller

    answer(page, "Radiografías o imágenes")
    assert wording.questions["imaging_kind"].get("es") in ask.inner_text()
    answer(page, "Radiografías dentales")
    said = page.locator("#ac-history li.ac-said-by-caller span[lang=es]")
    assert said.all_inner_texts() == ["Radiografías o imágenes", "Radiografías dentales"]
    route = content.routes["roi_dental_eye_images"]
    department = page.locator("#ac-department").inner_text()
    assert content.departments["roi"].name.get("es") in department and route.title.get("es") in department
    checklist = page.locator("#ac-checklist")
    assert checklist.locator("input[type=checkbox]").count() >= 2
    assert checklist.locator("label").first.get_attribute("lang") == "es"
    assert "Su nombre completo" in checklist.inner_text()  # the content's Spanish checklist
    assert "Pasos:" in page.locator("#ac-say-text").inner_text()
    # the console's own words stay English
    for heading in ("Department", "Say", "Ask", "Checklist", "Contacts", "Transfer to", "This call so far"):
        assert page.get_by_role("heading", name=heading, exact=True).count() == 1
    assert "No question. Read the Say part." in ask.inner_text()
    shot(page, "spanish")

    page.reload()
    expect(page.locator("#ac-status")).to_have_text("Call restored.")
    assert page.locator("#ac-call-language").inner_text() == "Spanish"
    assert route.title.get("es") in page.locator("#ac-department").inner_text()
    assert "Su nombre completo" in page.locator("#ac-checklist").inner_text()

    link = page.locator("#ac-script-link")
    assert link.get_attribute("href") == "/agent/script?language=es"
    script = page.request.get(f"{server['base']}/agent/script?language=es")
    assert script.ok and "script-src" not in script.headers["content-security-policy"]
    assert "style-src 'sha256-" in script.headers["content-security-policy"]
    text = script.text()
    assert wording.script.opening.get("es") in text and "1. Find out what the caller needs" in text
    assert page.request.get(f"{server['base']}/agent/script?language=fr").status == 400

    # and back to English: the next answer is in English again
    language.get_by_role("button", name="English").click()
    expect(page.locator("#ac-call-language")).to_have_text("English")
    assert wording.language_chosen.get("en") in page.locator("#ac-say-text").inner_text()


def test_no_axe_violations_with_a_spanish_speaking_caller(chromium, server, shot):
    """axe-core on the console in the middle of a Spanish call (the Spanish parts
    marked lang="es" among the English labels) and on the guided script, Spanish and English."""
    from tests.web.test_widget import wait_until
    from tests.web.test_widget_ux import AXE, run_axe

    assert AXE.exists(), "node_modules/axe-core is missing: run `npm ci --no-audit --no-fund` (make test does)"
    ctx = chromium.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True)
    try:
        page = ctx.new_page()
        page.set_default_timeout(60_000)
        sign_in(page, server)
        ask = page.locator("#ac-ask")
        ask.get_by_role("button", name="X-rays or scans").wait_for()
        page.get_by_role("group", name="The caller speaks").get_by_role("button", name="Español").click()
        wait_until(page, "document.querySelector('.ac-lang[data-language=es]').getAttribute('aria-pressed') === 'true'")
        ask.get_by_role("button", name="Radiografías o imágenes").wait_for()
        expect(page.locator("#ac-status")).to_have_text("Updated.")
        answer(page, "Radiografías o imágenes")
        answer(page, "Radiografías dentales")
        assert page.locator("#ac-checklist label[lang=es]").count() >= 2
        shot(page, "axe-spanish")
        found = run_axe(page)
        assert found == [], f"axe violations in the console with a Spanish-speaking caller: {found}"

        page.goto(f"{server['base']}/agent/script?language=es")
        page.locator("h2#closing").wait_for()
        assert page.locator("html").get_attribute("lang") == "en" and page.locator("[lang=es]").count() > 100
        found = run_axe(page)
        assert found == [], f"axe violations in the Spanish guided script: {found}"
        page.goto(f"{server['base']}/agent/script")
        page.locator("h2#closing").wait_for()
        assert page.locator("[lang=es]").count() == 0
        assert run_axe(page) == [], "axe violations in the English guided script"
    finally:
        ctx.close()
