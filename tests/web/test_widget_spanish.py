"""The chat widget in Spanish, used as a Spanish-speaking patient would: the header's
"Español" button, Spanish labels at once and Spanish answers, the labels following
a person who just writes in Spanish, lang attributes and axe-core in Spanish."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from privacy.masking import mask
from tests.channels.test_widget_labels import labels
from tests.web.test_widget import open_widget, wait_until
from tests.web.test_widget_ux import AXE, DESKTOP, PHONE, run_axe, sized  # noqa: F401 (sized: a fixture)
from triage.content import load_content

ES, EN = labels()["es"], labels()["en"]
XRAYS = "necesito mis radiografias"


def decir(page, text, words=ES):
    """Type ``text`` and send it with the labels of one language; wait for the answer."""
    replies = page.locator(".rc-bot").count()
    page.get_by_label(words["your_message"], exact=True).fill(text)
    page.get_by_role("button", name=words["send"], exact=True).click()
    page.locator(".rc-bot").nth(replies).wait_for()
    page.locator(".rc-typing").wait_for(state="hidden")


def choose(page, words):
    """Press the header's language button (named in the language it switches to)."""
    replies = page.locator(".rc-bot").count()
    page.locator(".rc-head").get_by_role("button", name=words["language_name"], exact=True).click()
    page.locator(".rc-bot").nth(replies).wait_for()
    page.locator(".rc-typing").wait_for(state="hidden")


def widget_words(page):
    """The widget's own words as shown (and named) right now."""
    return page.evaluate(
        """() => {
        const q = (s) => document.querySelector(s);
        return {
          title: q('.rc-title').textContent, restart: q('.rc-restart').textContent,
          close: q('.rc-close').textContent, close_chat: q('.rc-close').getAttribute('aria-label'),
          your_message: q('.rc-label').textContent, send: q('.rc-send').textContent,
          hint: q('#rc-hint').textContent, talk_to_person: q('.rc-person').textContent,
          typing: q('.rc-typing').textContent, retry: q('.rc-retry').textContent,
          edit_message: q('.rc-edit').textContent, send_anyway: q('.rc-send-anyway').textContent,
          conversation: q('.rc-log').getAttribute('aria-label'), leave_line: q('.rc-leave').textContent,
          launcher: q('.rc-launcher').textContent.trim(), language_button: q('.rc-language').textContent,
          lang: q('.rc').lang, launcher_lang: q('.rc-launcher').lang, button_lang: q('.rc-language').lang,
        };
      }"""
    )


def expected(words, button_words):
    keys = ("title", "restart", "close", "close_chat", "your_message", "send", "hint", "talk_to_person")
    keys += ("typing", "retry", "edit_message", "send_anyway", "conversation", "leave_line")
    return {key: words[key] for key in keys} | {
        "launcher": words["title"],
        "language_button": button_words["language_name"],
    }


def test_choosing_espanol_switches_the_labels_and_the_answers(page, server, shot):
    open_widget(page, server)
    content = load_content()
    assert page.locator(".rc-language").get_attribute("lang") == "es"
    page.locator(".rc-head").get_by_role("button", name="Español", exact=True).click()
    # the labels switch at once, before the assistant answers
    shown = widget_words(page)
    assert {k: shown[k] for k in expected(ES, EN)} == expected(ES, EN)
    assert (shown["lang"], shown["launcher_lang"], shown["button_lang"]) == ("es", "es", "en")
    assert page.locator("html").get_attribute("lang") == "en"  # the host page's own language is its own
    page.locator(".rc-bot").nth(1).wait_for()
    confirm = page.locator(".rc-bot").last
    assert confirm.get_attribute("lang") == "es" and "español" in confirm.inner_text()
    assert page.locator(".rc-user .rc-text").last.inner_text() == "Español"  # sent as a normal message
    expect(page.locator(".rc-notice")).to_have_text(
        "No es para emergencias: llame al 911. En una crisis, llame o mande un mensaje de texto al 988."
    )
    phone = content.contacts["roi_phone"]
    expect(page.locator(".rc-hours-line")).to_contain_text(content.hours[phone.hours].text.get("es"))

    decir(page, XRAYS)
    card = page.locator(".rc-card").last
    card.wait_for()
    assert content.routes["imaging"].title.get("es") in card.inner_text()
    assert ES["how_to_reach"] in card.inner_text()
    assert card.get_attribute("aria-label") == f"Departamento: {content.departments['imaging'].name.get('es')}"
    answer = page.locator(".rc-bot").last
    assert answer.get_attribute("lang") == "es" and "Pasos:" in answer.inner_text()
    assert page.locator(".rc-bot .rc-sr").last.inner_text() == ES["assistant_said"]
    stored = json.loads(page.evaluate("sessionStorage.getItem('records-chat')"))
    assert stored["language"] == "es"
    shot(page, "spanish")

    # a reload in the same tab keeps Spanish
    page.reload()
    page.locator(".rc-card").last.wait_for()
    assert widget_words(page)["send"] == ES["send"] and page.locator(".rc").get_attribute("lang") == "es"

    # and "English" goes back, the earlier Spanish answers keep their own language
    choose(page, EN)
    assert {k: widget_words(page)[k] for k in expected(EN, ES)} == expected(EN, ES)
    assert page.locator(".rc-bot").last.get_attribute("lang") == "en"
    assert page.locator(".rc-card").last.locator("xpath=ancestor::li").get_attribute("lang") == "es"


def test_writing_in_spanish_gives_spanish_labels_with_the_first_answer(page, server):
    open_widget(page, server)
    assert widget_words(page)["send"] == EN["send"]
    decir(page, XRAYS, EN)
    page.locator(".rc-card").last.wait_for()
    wait_until(page, "document.querySelector('.rc').lang === 'es'")
    shown = widget_words(page)
    assert {k: shown[k] for k in expected(ES, EN)} == expected(ES, EN)
    # the greeting came in English and stays so; the answer is Spanish
    assert page.locator(".rc-bot").first.get_attribute("lang") == "en"
    assert page.locator(".rc-bot").last.get_attribute("lang") == "es"


def test_start_over_in_spanish_starts_in_spanish(page, server):
    open_widget(page, server)
    choose(page, ES)
    page.get_by_role("button", name=ES["restart"], exact=True).click()
    page.get_by_role("button", name="Radiografías o imágenes").wait_for()  # the Spanish greeting's choices
    assert page.locator(".rc-user").count() == 0
    assert widget_words(page)["send"] == ES["send"]


def test_identifier_warning_and_retry_in_spanish(page, server, shot):
    bodies = []

    def quick(route):
        bodies.append(json.loads(route.request.post_data)["message"])
        if len(bodies) == 2:
            route.abort("connectionrefused")
        else:
            route.fulfill(status=200, content_type="application/json", body="[]")

    open_widget(page, server)
    choose(page, ES)
    page.route("**/chat/webhook", quick)
    box = page.get_by_label(ES["your_message"], exact=True)
    sample = "mi fecha de nacimiento es 3/4/1980 y mi numero de seguro social es 123-45-6789"
    box.fill(sample)
    box.press("Enter")
    warning = page.locator(".rc-warning")
    warning.wait_for()
    assert warning.locator("p").inner_text() == (
        "Esto parece una fecha de nacimiento y un número de Seguro Social. No necesita darlo aquí."
    )
    assert bodies == []
    shot(page, "warning")
    warning.get_by_role("button", name=ES["send_anyway"]).click()
    wait_until(page, "document.querySelectorAll('.rc-user').length >= 2")
    assert page.locator(".rc-user .rc-text").last.inner_text() == mask(sample)  # the server's labels
    assert bodies == [sample]

    box.fill("formulario de licencia")
    box.press("Enter")
    problem = page.locator(".rc-problem")
    problem.wait_for()
    assert "Lo siento" in problem.inner_text()  # the Spanish "can't answer" text, with the phone
    assert problem.locator("a[href^='tel:']").count() >= 1
    assert problem.get_by_role("button", name=ES["retry"]).is_visible()
    shot(page, "problem")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_no_axe_violations_in_spanish(sized, server, size, shot):  # noqa: F811 (sized is the fixture)
    """axe-core on the panel in Spanish with a Spanish route answer (same set-up as
    test_widget_ux.test_no_axe_violations: the context bypasses the CSP for axe only)."""
    assert AXE.exists(), "node_modules/axe-core is missing: run `npm ci --no-audit --no-fund` (make test does)"
    page = sized(DESKTOP if size == "desktop" else PHONE, bypass_csp=True)
    open_widget(page, server)
    choose(page, ES)
    decir(page, XRAYS)
    page.locator(".rc-card").last.wait_for()
    page.locator(".rc-notice").wait_for()
    shot(page, size)
    found = run_axe(page)
    assert found == [], f"axe violations in Spanish: {found}"
