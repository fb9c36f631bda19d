"""Each channel renders the reply parts in one place (channels/render.py); the
agent's words come from content/agent.yml."""

from __future__ import annotations

import asyncio

import pytest

from channels.render import WholeMessages, for_agent, for_rest, for_sms, for_web, part_of
from triage.content import load_agent_wording, load_content, parse_agent_wording
from triage.engine import REQUESTS, Facts, triage
from triage.letter import build_letter
from triage.render import PARTS, Renderer, Reply, to_dispatch
from triage.render_rights import RightsRenderer


@pytest.fixture(scope="module")
def content():
    return load_content()


def sent(replies):
    """The bot messages Rasa hands the output channel for these replies (the
    dispatcher's keyword arguments, with ``json_message`` as ``custom``)."""
    messages = []
    for reply in replies:
        kwargs = to_dispatch(reply)
        if "json_message" in kwargs:
            kwargs["custom"] = kwargs.pop("json_message")
        messages.append({"recipient_id": "x", **kwargs})
    return messages


def texts(messages):
    return "\n".join(m.get("text") or "" for m in messages)


def route_messages(content, **facts):
    return sent(Renderer(content).route(triage(Facts(**facts), content)))


def test_agent_wording_covers_every_question_and_request(content):
    wording = load_agent_wording()
    assert set(wording.questions) == set(content.messages.questions)
    assert set(wording.requests) == set(REQUESTS)
    # read out to the caller as they are: questions to the caller, not instructions to the agent
    spoken = [wording.questions[k].get() for k in wording.questions] + [
        wording.greeting.get(),
        wording.anything_else.get(),
    ]
    assert all(t.endswith("?") and "the caller" not in t and not t.startswith("Ask") for t in spoken)


def test_agent_wording_is_checked_when_loaded(content):
    import yaml

    from triage.content import CONTENT_DIR

    raw = yaml.safe_load((CONTENT_DIR / "agent.yml").read_text())
    missing = {**raw, "questions": {k: v for k, v in raw["questions"].items() if k != "region"}}
    with pytest.raises(ValueError, match="questions"):
        parse_agent_wording(missing, content)
    broken = {**raw, "fallback": {"en": "Call {contact.nobody}."}}
    with pytest.raises(ValueError, match="placeholder"):
        parse_agent_wording(broken, content)


def test_agent_questions_are_read_out_to_the_caller_with_the_same_buttons(content):
    plain = sent([Renderer(content).question(triage(Facts(request="imaging"), content))])
    worded = for_agent(plain)
    assert texts(worded).startswith("What kind of images do you need: an x-ray, CT or MRI;")
    assert worded[0]["buttons"] == plain[0]["buttons"] and len(plain[0]["buttons"]) == 4
    assert texts(for_web(plain)) == texts(for_rest(plain)) == "What kind of images?"


def test_agent_route_leaves_checklist_and_contacts_to_the_card(content):
    messages = route_messages(content, request="records", recipient="lawyer")
    shown = for_agent(messages)
    assert "What to include:" not in texts(shown) and "How to reach them:" not in texts(shown)
    assert "Steps:" in texts(shown) and "$16.50" in texts(shown)
    card = shown[0]["custom"]
    assert card["include"] and any(c["value"] == "503-571-5051" for c in card["contacts"])
    # REST keeps every part; the widget keeps what to include (its card shows the contacts)
    assert "How to reach them:" in texts(for_rest(messages)) and "What to include:" in texts(for_rest(messages))
    assert "What to include:" in texts(for_web(messages))


def test_web_route_answer_is_two_bubbles_with_the_contacts_once(content):
    messages = route_messages(content, request="records", recipient="lawyer")
    assert len(messages) >= 4  # card, steps, checklist, contacts, time and cost
    shown = for_web(messages)
    assert [m["part"] for m in shown] == ["department_card", "steps"]
    assert shown[0]["custom"]["contacts"] and "How to reach them:" not in texts(shown)
    steps = shown[1]["text"]
    assert steps.index("Steps:") < steps.index("What to include:") < steps.index("$16.50")
    assert shown[1]["merged"] == ["steps", "checklist", "time_cost"]


def test_web_keeps_contacts_without_a_card_and_safety_first_unmerged(content):
    route = triage(Facts(request="records", recipient="lawyer"), content)
    alone = sent([Reply(Renderer(content).contacts_text(route), part="contacts")])
    assert "503-571-5051" in texts(for_web(alone))
    messages = [{"text": "Call 911 now.", "part": "safety"}] + route_messages(
        content, request="records", recipient="lawyer"
    )
    shown = for_web(messages)
    assert [m["part"] for m in shown] == ["safety", "department_card", "steps"]
    assert shown[0]["text"] == "Call 911 now."


def test_agent_keeps_contacts_when_there_is_no_card(content):
    route = triage(Facts(request="records", recipient="lawyer"), content)
    alone = sent([Reply(Renderer(content).contacts_text(route), part="contacts")])
    assert "503-571-5051" in texts(for_agent(alone))


def test_agent_fallback_greeting_and_anything_else(content):
    fallback = for_agent(sent([Renderer(content).fallback()]))
    assert "503-571-5051" in texts(fallback) and "we don't handle" in texts(fallback) and fallback[0]["buttons"]
    hello = for_agent(
        [{"text": "Hi! What do you need?", "part": "greeting", "buttons": [{"title": "a", "payload": "/b"}]}]
    )
    assert texts(hello).startswith("How can I help you today?") and hello[0]["buttons"]
    assert texts(for_agent([{"text": "Anything else?", "part": "anything_else"}])).startswith("Is there anything else")


def test_the_card_goes_out_with_the_first_part_only(content):
    replies = Renderer(content).route(triage(Facts(request="imaging", imaging_kind="mri"), content))
    kwargs = to_dispatch(replies[0])
    assert kwargs["part"] == "department_card"
    assert kwargs["json_message"]["type"] == "department_card"
    assert kwargs["json_message"]["department"] == "imaging"
    assert all("json_message" not in to_dispatch(r) for r in replies[1:])
    assert [to_dispatch(r)["part"] for r in replies] == [r.part for r in replies]
    assert {r.part for r in replies} <= set(PARTS) and "steps" in {r.part for r in replies}


def test_an_unknown_part_is_refused():
    with pytest.raises(ValueError, match="part"):
        Reply("x", part="banner")


def test_rest_gets_each_part_whole_with_its_kind(content):
    messages = route_messages(content, request="records", recipient="lawyer")
    shown = for_rest([{**m, "timestamp": 1.0, "utter_action": None} for m in messages])
    assert [m["part"] for m in shown][:2] == ["department_card", "steps"]
    assert shown[0]["custom"]["type"] == "department_card" and "text" in shown[0]
    assert all(set(m) <= {"recipient_id", "text", "buttons", "custom", "part"} for m in shown)


def test_safety_goes_first_on_every_channel():
    messages = [
        {"text": "Release of Information: ...", "part": "contacts"},
        {"text": "Call 911 now.", "part": "safety"},
    ]
    for render in (for_rest, for_web, for_agent):
        assert render(messages)[0]["text"] == "Call 911 now."
    assert for_sms(messages).messages[0].startswith("Call 911 now.")


def test_sms_puts_the_department_and_its_contacts_first(content):
    messages = route_messages(content, request="records", recipient="lawyer")
    shaped = for_sms(messages)
    first = shaped.messages[0]
    assert first.startswith("Where to go:") and "503-571-5051" in first
    assert len(shaped.messages) <= 3


def test_sms_hello_says_how_to_get_help_and_stop():
    shaped = for_sms(
        [{"text": "Hi! What do you need?", "part": "greeting", "buttons": [{"title": "Records", "payload": "/r"}]}]
    )
    assert "Reply HELP for help, STOP to stop texts." in shaped.messages[0]
    assert "Reply 1 for Records" in shaped.messages[0]


def test_each_channel_shows_the_letter_its_own_way(content):
    render = RightsRenderer(content)
    draft = build_letter(content, render.fill, "CA", record_kind="full_record", copy_format="paper")
    messages = sent([render.letter(draft)])
    assert draft.title in texts(for_rest(messages)) and messages[0]["custom"]["type"] == "letter"
    web = for_web(messages)
    assert draft.title not in texts(web) and web[0]["custom"]["type"] == "letter"
    assert "Health and Safety Code" in texts(for_agent(messages)) or "read" in texts(for_agent(messages)).lower()
    sms = for_sms(messages).messages
    assert len(sms) == 1 and "nw.roi@kp.org" in sms[0] and draft.title not in sms[0]


def test_whole_messages_keep_text_buttons_card_and_part_together():
    collector = WholeMessages()
    message = {"text": "t", "buttons": [{"title": "a", "payload": "/b"}], "custom": {"type": "x"}, "part": "choices"}
    asyncio.run(collector.send_response("s", dict(message, image=None)))
    assert collector.messages == [{**message, "recipient_id": "s"}]
    assert part_of(collector.messages[0]) == "choices" and part_of({"text": "x"}) == "text"


def test_fact_value_names_must_be_vocabulary_values(content):
    import yaml

    from triage.content import CONTENT_DIR

    raw = yaml.safe_load((CONTENT_DIR / "agent.yml").read_text())
    raw["fact_values"] = {"recipient": {"astronaut": {"en": "an astronaut"}}}
    with pytest.raises(ValueError, match="astronaut"):
        parse_agent_wording(raw, content)


def test_agent_texts_are_short_and_plain():
    import re

    from triage.content_schema import iter_texts

    for where, text in iter_texts({"agent": load_agent_wording()}):
        assert len(text) <= 320, where
        assert "*" not in text and "<" not in text, where
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            assert len(sentence.split()) <= 45, (where, sentence)
