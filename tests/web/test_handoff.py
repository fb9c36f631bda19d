"""A chat handed to a person, in headless Chromium with two pages: a person in the
widget and a signed-in agent in the console (docs/handoff.md).

The person asks for a person and is queued; the agent takes the chat; they write
to each other both ways without any reload; meanwhile the assistant says nothing
(``ConversationPaused`` in the tracker); the agent ends it, the assistant closes
and answers the next message again (``ConversationResumed``).
"""

from __future__ import annotations

import json
import re
import sqlite3
import urllib.request

from playwright.sync_api import expect

from tests.web.conftest import AGENT_USER
from tests.web.test_agent_console import sign_in
from tests.web.test_widget import open_widget, say

AGENT_HELLO = "Hello, I am from the records team. How can I help?"
PERSON_ASKS = "I need the x-rays from my knee surgery last year"
AGENT_ANSWER = "Call the Imaging department and ask for the images themselves."


def tracker(server, sender):
    url = f"{server['base']}/conversations/{sender}/tracker?token=web-test-token"
    with urllib.request.urlopen(url, timeout=60) as response:
        return json.loads(response.read())


def sender_of(page):
    return page.evaluate("JSON.parse(sessionStorage.getItem('records-chat')).sender")


def test_person_and_agent_chat_while_the_assistant_is_silent(chromium, server, shot):
    person_ctx = chromium.new_context(viewport={"width": 1000, "height": 900})
    agent_ctx = chromium.new_context(viewport={"width": 1280, "height": 900})
    try:
        person, agent = person_ctx.new_page(), agent_ctx.new_page()
        person.set_default_timeout(60_000)
        agent.set_default_timeout(60_000)

        # 1. the person asks for a person in words, and is put in line
        open_widget(person, server)
        say(person, "I want to talk to a real person")
        queued = person.locator(".rc-bot[data-part='handoff']").last
        expect(queued).to_contain_text("You're in line to chat with our records team")
        expect(queued).to_contain_text("min")
        expect(person.locator(".rc-handoff")).to_be_visible()
        expect(person.get_by_role("button", name="Leave the line")).to_be_visible()
        sender = sender_of(person)
        shot(person, "person-waiting")

        # 2. the agent sees the queue with the channel and the context, and takes it
        sign_in(agent, server)
        agent.get_by_role("link", name="Chats and texts").click()
        row = agent.locator("#ho-queue tr").first
        expect(row).to_contain_text("Web chat")
        expect(row).to_contain_text("Waiting")
        row.get_by_role("button", name="Take").click()
        expect(agent.locator("#ho-chat-state")).to_contain_text("with " + AGENT_USER)
        expect(agent.locator("#ho-chat-state")).to_contain_text("The assistant is paused.")
        expect(agent.locator("#ho-transcript")).to_contain_text("talk to a real person")  # the context carried over
        expect(person.locator(".rc-bot[data-part='handoff']").last).to_contain_text("joined the chat")

        # 3. agent -> person, without a reload; read once by the live region
        agent.get_by_label("Your message to the person").fill(AGENT_HELLO)
        agent.get_by_role("button", name="Send", exact=True).click()
        expect(person.locator(".rc-agent").first).to_contain_text(AGENT_HELLO)
        expect(person.locator(".rc-announce")).to_contain_text(AGENT_HELLO)
        assert person.locator(".rc-agent .rc-sr").first.inner_text() == "A person said:"

        # 4. person -> agent; the assistant stays silent
        bots_before = person.locator(".rc-bot").count()
        person.get_by_label("Your message").fill(PERSON_ASKS)
        person.get_by_role("button", name="Send").click()
        expect(agent.locator("#ho-transcript")).to_contain_text(PERSON_ASKS)
        expect(person.locator(".rc-typing")).to_be_hidden()
        person.wait_for_timeout(3000)  # a poll or two: still nothing from the assistant
        assert person.locator(".rc-bot").count() == bots_before

        # 5. what the assistant would answer, as a suggestion the agent may edit
        agent.get_by_role("button", name="Suggest an answer").click()
        expect(agent.locator("#ho-suggestion")).to_contain_text("For: " + PERSON_ASKS)
        expect(agent.locator("#ho-suggestion")).to_contain_text("Imaging")
        agent.get_by_role("button", name="Edit it before sending").click()
        assert "Imaging" in agent.get_by_label("Your message to the person").input_value()
        agent.get_by_label("Your message to the person").fill(AGENT_ANSWER)
        agent.get_by_role("button", name="Send", exact=True).click()
        expect(person.locator(".rc-agent").nth(1)).to_contain_text(AGENT_ANSWER)
        shot(person, "person-with-agent")
        shot(agent, "agent-chat")

        # the tracker: paused, the person's message stored (masked), no assistant turn meanwhile
        events = tracker(server, sender)["events"]
        kinds = [e["event"] for e in events]
        paused_at = kinds.index("pause")
        after = events[paused_at:]
        assert [e["text"] for e in after if e["event"] == "user"] == [PERSON_ASKS]
        assert not [e for e in after if e["event"] == "action" and e["name"] != "action_listen"]
        agent_lines = [e["text"] for e in after if e["event"] == "bot"]
        assert agent_lines == [AGENT_HELLO, AGENT_ANSWER]
        assert tracker(server, sender)["paused"] is True

        # 6. the agent ends it; the assistant closes and answers the next message
        agent.get_by_role("button", name="End chat: the assistant takes over").click()
        expect(person.locator(".rc-bot[data-part='handoff']").last).to_contain_text("I'm back")
        expect(person.locator(".rc-handoff")).to_be_hidden()
        say(person, "how much does it cost?")
        expect(person.locator(".rc-bot").last).not_to_contain_text("I'm back")
        state = tracker(server, sender)
        assert state["paused"] is False and "resume" in [e["event"] for e in state["events"]]
        assert person.evaluate("JSON.parse(sessionStorage.getItem('records-chat')).handoff") is None
        shot(person, "person-after")

        # audit: who took which conversation and when, never the text
        db = sqlite3.connect(server["db"].parent / "agents.db")
        try:
            rows = db.execute(
                "SELECT username, event, detail FROM agent_audit WHERE event LIKE 'handoff%' ORDER BY id"
            ).fetchall()
            requests = db.execute("SELECT channel, state, reason, phone FROM handoff_requests").fetchall()
        finally:
            db.close()
        assert [(r[0], r[1]) for r in rows] == [(AGENT_USER, "handoff_taken"), (AGENT_USER, "handoff_ended")]
        assert all(r[2].startswith("web ") and AGENT_HELLO not in r[2] for r in rows)
        assert requests == [("web", "ended", "agent_ended", None)]
    finally:
        person_ctx.close()
        agent_ctx.close()


def test_chats_page_needs_a_sign_in(page, server):
    page.goto(f"{server['base']}/agent/handoff")
    assert page.get_by_label("Password").count() == 1  # the sign-in page, not the queue
    assert page.locator("#ho-queue").count() == 0
    assert page.request.get(f"{server['base']}/agent/handoffs").status == 401
    refused = page.request.post(f"{server['base']}/agent/handoffs/{'0' * 36}/take")
    assert refused.status == 401


def test_person_asks_with_the_button_and_leaves_the_line(page, server):
    open_widget(page, server)
    page.get_by_role("button", name="Talk to a person").click()
    expect(page.locator(".rc-user").last).to_have_text(re.compile("Talk to a person"))
    expect(page.locator(".rc-bot[data-part='handoff']").last).to_contain_text("You're in line")
    expect(page.get_by_role("button", name="Talk to a person")).to_be_hidden()
    page.get_by_role("button", name="Leave the line").click()
    expect(page.locator(".rc-bot[data-part='handoff']").last).to_contain_text("You left the line")
    expect(page.locator(".rc-handoff")).to_be_hidden()
    expect(page.get_by_role("button", name="Talk to a person")).to_be_visible()
    say(page, "I need my x-rays")
    expect(page.locator(".rc-bot").last).not_to_contain_text("You left the line")
