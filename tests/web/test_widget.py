"""The chat widget in headless Chromium, used as a patient would."""

from __future__ import annotations

import json
import time
import urllib.request
from urllib.parse import urlparse

import pytest

from tests.web.contrast import contrast_ratio

INJECTION = "<img src=x onerror=alert(1)>"


def open_widget(page, server, path="/chat/"):
    """The demo page with the chat opened from its launcher (when closed)."""
    page.goto(f"{server['base']}{path}")
    launcher = page.locator(".rc-launcher")
    if launcher.count() and launcher.get_attribute("aria-expanded") != "true":
        launcher.click()
    page.get_by_role("button", name="X-rays or scans").wait_for()  # the greeting's choices
    return page.locator(".rc-log")


def wait_until(page, expression, timeout=15.0):
    """Poll a page expression until it is truthy.

    Playwright's wait_for_function compiles its predicate inside the page with
    eval, which our CSP (script-src 'self') forbids whenever the first check is
    false; page.evaluate goes through the debugging protocol and is allowed.
    """
    end = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > end:
            raise AssertionError(f"never true: {expression}")
        page.wait_for_timeout(50)


def say(page, text):
    replies = page.locator(".rc-bot").count()
    page.get_by_label("Your message").fill(text)
    page.get_by_role("button", name="Send").click()
    page.locator(".rc-bot").nth(replies).wait_for()
    page.locator(".rc-typing").wait_for(state="hidden")


def test_page_embeds_the_widget_with_one_script_tag(page, server):
    page.goto(f"{server['base']}/chat/")
    assert page.locator("#records-chat script, script[src$='widget.js']").count() == 1
    assert '<div id="records-chat"></div>' in page.locator(".demo-code").inner_text()
    assert page.locator("#records-chat .rc").count() == 1


def test_answer_with_department_card_phone_and_email_links(page, server, shot):
    open_widget(page, server)
    say(page, "my lawyer needs my medical records")
    card = page.locator(".rc-card").last
    card.wait_for()
    assert "Release of Information" in card.locator("h3").inner_text()
    assert card.locator('a[href="tel:+15035715051"]').count() == 1
    assert card.locator('a[href="mailto:nw.roi@kp.org"]').count() == 1
    assert "8 am to 4:30 pm" in card.inner_text()
    steps = page.locator(".rc-bot ol li")
    assert steps.count() >= 3  # numbered steps shown as a list
    assert page.locator(".rc-msg time[datetime]").count() >= 3  # timestamps
    shot(page, "answer")
    card.scroll_into_view_if_needed()
    shot(page, "card")


def test_clicking_a_choice_button(page, server, shot):
    open_widget(page, server)
    page.get_by_role("button", name="X-rays or scans").click()
    page.get_by_role("button", name="Dental x-rays").click()
    card = page.locator(".rc-card").last
    card.wait_for()
    assert "Release of Information" in card.inner_text()
    assert page.locator(".rc-user").last.locator(".rc-text").inner_text() == "Dental x-rays"
    # choices of earlier turns are no longer active
    assert page.get_by_role("button", name="X-rays or scans").is_disabled()
    shot(page, "choices")


def test_script_injection_shows_as_text(page, server, shot):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    log = open_widget(page, server)
    say(page, INJECTION)
    page.wait_for_timeout(500)
    assert dialogs == []
    assert log.locator("img").count() == 0
    assert page.locator(".rc-user").last.locator(".rc-text").inner_text() == INJECTION
    shot(page, "injection")


def test_conversation_kept_in_session_storage_only_and_start_over(page, server, shot):
    open_widget(page, server)
    say(page, "my dentist wants my x-rays")
    stored = json.loads(page.evaluate("sessionStorage.getItem('records-chat')"))
    assert any(m.get("text") == "my dentist wants my x-rays" for m in stored["messages"])
    assert page.evaluate("localStorage.length") == 0
    page.reload()
    page.locator(".rc-user").first.wait_for()
    assert "my dentist wants my x-rays" in page.locator(".rc-log").inner_text()  # same tab: still there
    sender = stored["sender"]
    page.get_by_role("button", name="Start over").click()
    page.get_by_role("button", name="X-rays or scans").wait_for()
    assert page.locator(".rc-user").count() == 0
    assert "my dentist wants my x-rays" not in page.locator(".rc-log").inner_text()
    assert json.loads(page.evaluate("sessionStorage.getItem('records-chat')"))["sender"] != sender
    shot(page, "start-over")


def test_a_new_tab_starts_a_new_conversation(context, server):
    first = context.new_page()
    open_widget(first, server)
    say(first, "fmla paperwork for my surgery")
    second = context.new_page()
    open_widget(second, server)
    assert second.locator(".rc-user").count() == 0


def active(page):
    return page.evaluate("document.activeElement.textContent || document.activeElement.id")


def test_keyboard_only(page, server, shot):
    page.goto(f"{server['base']}/chat/")
    focused = []
    for _ in range(12):  # Tab through the page to the launcher, open it with Enter
        page.keyboard.press("Tab")
        focused.append(active(page))
        if page.evaluate("document.activeElement.classList.contains('rc-launcher')"):
            break
    page.keyboard.press("Enter")
    page.get_by_role("button", name="X-rays or scans").wait_for()
    assert active(page) == "rc-input"  # opening puts the cursor in the input
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineWidth")
    assert float(outline.replace("px", "")) >= 2  # visible focus
    page.keyboard.type("i need my images")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Eye photos").wait_for()
    # input, then the latest message's choices, in order
    titles = page.locator(".rc-choice:enabled").all_inner_texts()
    page.keyboard.press("Tab")
    assert active(page) == titles[0]
    for title in titles[1:]:
        page.keyboard.press("Tab")
        assert active(page) == title
    page.keyboard.press("Tab")
    assert active(page) == "Send"
    for _ in titles:
        page.keyboard.press("Shift+Tab")
    assert active(page) == titles[0]
    page.keyboard.press("Shift+Tab")
    assert active(page) == "rc-input"
    page.keyboard.press("Tab")
    while active(page) != "Eye photos":
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert active(page) == "rc-input"  # focus back in the input after a choice
    page.locator(".rc-card").last.wait_for()
    assert "Release of Information" in page.locator(".rc-card").last.inner_text()
    assert active(page) == "rc-input"
    shot(page, "keyboard")


def test_accessibility_labels_and_live_region(page, server):
    log = open_widget(page, server)
    # the log keeps list semantics inside it; new answers are read from one polite region
    assert log.get_attribute("role") == "log" and log.locator("> ol > li").count() >= 1
    assert page.locator("[aria-live='polite']").count() == 1
    assert page.get_by_label("Your message").count() == 1
    assert page.locator(".rc-typing").get_attribute("role") == "status"
    assert page.locator(".rc-buttons").first.get_attribute("aria-label") == "Choices"
    assert page.locator("html").get_attribute("lang") == "en"


@pytest.mark.parametrize("width", [320, 640])  # 320 px phones; 640 px = a 1280 px window at 200% zoom
def test_fits_small_screens_and_200_percent_zoom(chromium, server, width, shot):
    context = chromium.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        open_widget(page, server)
        say(page, "my lawyer needs my medical records")
        page.locator(".rc-card").last.wait_for()
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0
        box = page.locator(".rc").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
        shot(page, f"{width}px")
    finally:
        context.close()


def test_zoom_200_percent_reflows(chromium, server, shot):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, device_scale_factor=2)
    page = context.new_page()
    try:
        open_widget(page, server)
        page.evaluate("document.body.style.zoom = '200%'")
        say(page, "how do i get my xrays")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0
        shot(page, "zoom")
    finally:
        context.close()


def test_colour_contrast_meets_wcag_aa(page, server):
    open_widget(page, server)
    say(page, "my lawyer needs my medical records")
    page.locator(".rc-card").last.wait_for()
    pairs = page.evaluate(
        """() => {
        function bg(el) {
          while (el) {
            const c = getComputedStyle(el).backgroundColor;
            if (c && c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') return c;
            el = el.parentElement;
          }
          return 'rgb(255, 255, 255)';
        }
        const sel = ['.rc-title', '.rc-restart', '.rc-bot .rc-text p', '.rc-user .rc-text', '.rc-time',
                     '.rc-user .rc-time', '.rc-link', '.rc-choice', '.rc-choice:disabled', '.rc-send', '.rc-label',
                     '.rc-hint', '.rc-typing', '.rc-card h3', '.rc-hours', '.rc-org', '.rc-close', '.rc-notice',
                     '.rc-hours-line', '.rc-launcher', '.rc-more'];
        return sel.flatMap(s => Array.from(document.querySelectorAll(s)).slice(0, 3)
          .map(e => [s, getComputedStyle(e).color, bg(e)]));
      }"""
    )
    assert len({p[0] for p in pairs}) >= 12
    low = [(s, fg, bgc, round(contrast_ratio(fg, bgc), 2)) for s, fg, bgc in pairs if contrast_ratio(fg, bgc) < 4.5]
    assert low == []


def test_nothing_loaded_from_other_hosts_and_csp(page, server):
    hosts = set()
    page.on("request", lambda r: hosts.add(urlparse(r.url).netloc))
    response = page.goto(f"{server['base']}/chat/")
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "connect-src 'self'" in csp
    open_widget(page, server)
    say(page, "hello")
    assert hosts == {urlparse(server["base"]).netloc}
    for asset in ("widget.js", "widget.css", "favicon.svg", "config", "inline"):
        with urllib.request.urlopen(f"{server['base']}/chat/{asset}") as r:
            assert "default-src 'self'" in r.headers["Content-Security-Policy"]


def test_widget_never_writes_html_from_text():
    from pathlib import Path

    source = (Path(__file__).resolve().parent.parent.parent / "web" / "widget" / "widget.js").read_text()
    code = "\n".join(line for line in source.splitlines() if not line.strip().startswith(("*", "/*", "//")))
    for unsafe in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "localStorage"):
        assert unsafe not in code


LETTER = {
    "type": "letter",
    "title": "Letter to ask for your records",
    "parts": [
        "To Release of Information,\n\nPlease send me a copy of my medical record.\n\nName: ",
        {"blank": "full_name", "label": "Your full name"},
        "\nDate of birth: ",
        {"blank": "date_of_birth", "label": "Your date of birth"},
        "\nSigned: ",
        {"blank": "signature", "label": "Your signature"},
        "\n",
    ],
    "text": "To Release of Information,\n\nPlease send me a copy of my medical record.\n\nName: [Your full name]\n"
    "Date of birth: [Your date of birth]\nSigned: [Your signature]\n",
}


def test_letter_is_filled_in_the_browser_only(page, server, shot):
    """A letter payload (issue 3's action) shows a form; what is typed never leaves the page."""
    bodies = []

    def fake_reply(route):
        bodies.append(route.request.post_data or "")
        if "letter" in (route.request.post_data or ""):
            route.fulfill(
                status=200,
                content_type="application/json",
                body=json.dumps(
                    [
                        {"recipient_id": "x", "text": "Here is a letter you can use."},
                        {"recipient_id": "x", "custom": LETTER},
                    ]
                ),
            )
        else:
            route.continue_()

    page.route("**/chat/webhook", fake_reply)
    page.add_init_script("window.print = () => { window.__printed = (window.__printed || 0) + 1; };")
    open_widget(page, server)
    say(page, "write me a letter")
    letter = page.locator(".rc-letter")
    letter.wait_for()
    assert "[Your full name]" in letter.locator(".rc-letter-text").inner_text()
    letter.get_by_label("Your full name").fill("Quinta Zabriskie")
    letter.get_by_label("Your date of birth").fill("01/02/1980")
    text = letter.locator(".rc-letter-text").inner_text()
    assert "Name: Quinta Zabriskie" in text and "Date of birth: 01/02/1980" in text and "[Your signature]" in text

    with page.expect_download() as download_info:
        letter.get_by_role("button", name="Download .txt").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".txt")
    saved = open(download.path(), encoding="utf-8").read()
    assert "Name: Quinta Zabriskie" in saved and "Please send me a copy" in saved

    letter.get_by_role("button", name="Print").click()
    assert page.evaluate("window.__printed") == 1
    shot(page, "letter")

    say(page, "thanks")
    assert not any("Zabriskie" in b for b in bodies)  # never sent
    assert "Zabriskie" not in (page.evaluate("sessionStorage.getItem('records-chat')") or "")  # never stored
    assert page.evaluate("localStorage.length") == 0


def test_typing_indicator_while_the_assistant_answers(page, server):
    from playwright.sync_api import expect

    open_widget(page, server)
    held = []
    page.route("**/chat/webhook", lambda route: held.append(route))
    page.get_by_label("Your message").fill("my records")
    page.get_by_role("button", name="Send").click()
    typing = page.locator(".rc-typing")
    expect(typing).to_be_visible()
    expect(typing).to_have_text("The assistant is typing…")
    page.wait_for_timeout(100)
    assert len(held) == 1
    held[0].continue_()
    expect(typing).to_be_hidden()


def test_records_letter_from_the_assistant(page, server, shot):
    """The real letter action (issue 3): a fillable letter, filled only here."""
    open_widget(page, server)
    say(page, "/request_records_letter")
    if page.locator(".rc-letter").count() == 0:  # asked which state first
        page.locator(".rc-choice:enabled").first.click()
    letter = page.locator(".rc-letter").last
    letter.wait_for()
    blanks = letter.locator("input[data-blank]")
    assert blanks.count() >= 3
    name = letter.locator("input[data-blank='full_name']")
    name.fill("Quinta Zabriskie")
    assert "Quinta Zabriskie" in letter.locator(".rc-letter-text").inner_text()
    assert "Zabriskie" not in (page.evaluate("sessionStorage.getItem('records-chat')") or "")
    name.scroll_into_view_if_needed()
    shot(page, "letter")
