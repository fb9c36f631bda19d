"""The agent console's call endpoints: a call rebuilt from the tracker after a
reload, notes and outcome per call (masked, in the accounts database), and the
numbers to transfer to (from content). Handlers called directly, a fake tracker store."""

from __future__ import annotations

import asyncio
import json as jsonlib
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from accounts.store import OUTCOMES, AgentStore, call_notes_table
from channels.agent_calls import call_turns, directory, transfer_for
from channels.render import for_agent
from tests.channels.test_agent import PASSWORD, Console, FakeRequest, cheap_hashes, cookie_of, no_pauses  # noqa: F401
from triage.content import load_content

GREETING = BotUttered(
    "Hi! What do you need?",
    data={"buttons": [{"title": "X-rays or scans", "payload": "/request_imaging"}]},
    metadata={"part": "greeting"},
)
QUESTION = BotUttered(
    "What kind of images?",
    data={"buttons": [{"title": "Dental x-rays", "payload": '/inform{"imaging_kind": "dental"}'}]},
    metadata={"part": "choices", "part_data": {"question": "imaging_kind"}},
)
CARD = {"type": "department_card", "department": "roi", "department_name": "Release of Information (ROI)"}
ANSWER = BotUttered("Steps: send the form.", data={"custom": CARD}, metadata={"part": "department_card"})


def tracker(sender="agent-PBX-0042"):
    domain = Domain.from_dict(
        {
            "slots": {
                name: {"type": "any", "mappings": [{"type": "custom"}]} for name in ("department", "route", "region")
            }
        }
    )
    made = DialogueStateTracker(sender, domain.slots)
    for event in [
        UserUttered("/greet"),
        GREETING,
        UserUttered("/request_imaging"),
        QUESTION,
        UserUttered('/inform{"imaging_kind": "dental"}'),
        SlotSet("department", "roi"),
        SlotSet("region", "western_washington"),
        ANSWER,
        UserUttered("my SSN is [ssn], where do I send it"),  # stored masked by the channel
    ]:
        made.update(event)
    return made


class Trackers:
    def __init__(self, trackers):
        self.trackers = {t.sender_id: t for t in trackers}
        self.asked = []

    async def retrieve(self, sender_id):
        self.asked.append(sender_id)
        return self.trackers.get(sender_id)


class AppRequest(FakeRequest):
    def __init__(self, trackers, **kwargs):
        super().__init__(**kwargs)
        self.app = SimpleNamespace(ctx=SimpleNamespace(agent=SimpleNamespace(tracker_store=trackers)))


@pytest.fixture
def console(tmp_path):
    made = Console(tmp_path)
    made.store.add("ana", PASSWORD)
    made.store.add("sam", PASSWORD)
    made.trackers = Trackers([tracker()])
    yield made
    made.store.dispose()


def call(console, method, uri, route, **kwargs):
    request = AppRequest(console.trackers, method=method, path=f"/agent{uri}", **kwargs)
    handler = console.routes[(method, route)]
    params = {"call_id": uri.split("/")[2]} if uri.startswith("/call/") else {}
    resp = asyncio.run(handler(request, **params))
    return resp, (jsonlib.loads(resp.body) if resp.body else None)


def signed_in(console, user="ana"):
    token = cookie_of(console.login(user, PASSWORD))
    csrf = jsonlib.loads(console.call("GET", "/session", cookie=token).body)["csrf"]
    return token, csrf


CALL, NOTES, DIRECTORY = "/call/<call_id:str>", "/call/<call_id:str>/notes", "/directory"


def test_the_call_is_rebuilt_from_the_tracker_for_any_signed_in_agent(console):
    assert call(console, "GET", "/call/PBX-0042", CALL)[0].status == 401
    token, _ = signed_in(console, "sam")  # not the agent who took the call: calls are shared
    resp, state = call(console, "GET", "/call/PBX-0042", CALL, cookie=token)
    assert resp.status == 200 and console.trackers.asked == ["agent-PBX-0042"]
    assert state["known"] and state["slots"] == {"department": "roi", "route": None, "region": "western_washington"}
    callers = [t["caller"] for t in state["turns"]]
    # /greet is not shown; button payloads become their titles; typed text stays (masked in the store)
    assert callers == [None, "X-rays or scans", "Dental x-rays", "my SSN is [ssn], where do I send it"]
    greeting, question, answer = (t["messages"] for t in state["turns"][:3])
    assert greeting[0]["text"].startswith("How can I help you today?")  # rendered for the agent
    assert question[0]["text"].startswith("What kind of images do you need:") and question[0]["buttons"]
    assert answer[0]["custom"] == CARD
    assert state["transfer"]["department"] == "roi" and state["transfer"]["region"] == "kp_washington_west"
    west = load_content().contacts["kpwa_west_roi_phone"].value
    assert [n["value"] for n in state["transfer"]["numbers"]] == [west]
    assert state["notes"] == {"outcome": "", "notes": "", "agent": None, "updated": None}


def test_an_unknown_call_is_empty_and_a_bad_id_refused(console):
    token, _ = signed_in(console)
    resp, state = call(console, "GET", "/call/new-call-1", CALL, cookie=token)
    assert resp.status == 200 and not state["known"] and state["turns"] == [] and state["transfer"] is None
    assert call(console, "GET", "/call/a b", CALL, cookie=token)[0].status == 400


def test_notes_need_the_csrf_token_are_masked_and_come_back_with_the_call(console):
    token, csrf = signed_in(console)
    body = {"outcome": "sent_form", "notes": "my SSN is 123-45-6789, sent the ROI form"}
    assert call(console, "POST", "/call/PBX-0042/notes", NOTES, body=body)[0].status == 401
    assert call(console, "POST", "/call/PBX-0042/notes", NOTES, cookie=token, body=body)[0].status == 403
    headers = {"X-CSRF-Token": csrf}
    resp, saved = call(console, "POST", "/call/PBX-0042/notes", NOTES, cookie=token, headers=headers, body=body)
    assert resp.status == 200 and saved["notes"] == "my SSN is [ssn], sent the ROI form" and saved["agent"] == "ana"
    with console.store.engine.begin() as conn:
        stored = conn.execute(sa.select(call_notes_table.c.notes)).scalar()
    assert stored == "my SSN is [ssn], sent the ROI form" and "6789" not in stored
    _, state = call(console, "GET", "/call/PBX-0042", CALL, cookie=token)
    assert state["notes"]["outcome"] == "sent_form" and state["notes"]["notes"] == stored
    # the audit names the call, never the notes
    audit = [r for r in console.store.audit_rows() if r.event == "call_notes"]
    assert [(r.username, r.detail) for r in audit] == [("ana", "PBX-0042")]


def test_notes_are_checked(console):
    token, csrf = signed_in(console)
    headers = {"X-CSRF-Token": csrf}
    for body in ({"outcome": "fired", "notes": ""}, {"outcome": "other", "notes": "x" * 5000}, {"notes": 7}):
        assert (
            call(console, "POST", "/call/PBX-0042/notes", NOTES, cookie=token, headers=headers, body=body)[0].status
            == 400
        )
    ok = call(console, "POST", "/call/PBX-0042/notes", NOTES, cookie=token, headers=headers, body={"notes": "ok"})
    assert ok[0].status == 200 and ok[1]["outcome"] == ""


def test_the_store_keeps_one_row_per_call_last_save_wins(tmp_path):
    store = AgentStore(f"sqlite:///{tmp_path / 'agents.db'}")
    first = store.save_call_notes("call-1", "ana", "call_back", "call back Maria Lopez at 503-555-0100")
    assert first.notes == "call back [name] at [phone]"
    store.save_call_notes("call-1", "sam", "resolved", "done")
    notes = store.call_notes("call-1")
    assert notes is not None and (notes.username, notes.outcome, notes.notes) == ("sam", "resolved", "done")
    assert store.call_notes("call-2") is None
    with pytest.raises(ValueError):
        store.save_call_notes("call-1", "ana", "nope", "")
    assert set(OUTCOMES) >= {"resolved", "sent_form", "transferred", "call_back", "other"}
    store.dispose()


def test_the_directory_has_every_department_with_numbers_from_content(console):
    assert call(console, "GET", "/directory", DIRECTORY)[0].status == 401
    token, _ = signed_in(console)
    _, body = call(console, "GET", "/directory", DIRECTORY, cookie=token)
    content = load_content()
    assert {e["department"] for e in body["departments"]} == set(content.departments)
    assert all(e["numbers"] and all(n["kind"] == "phone" for n in e["numbers"]) for e in body["departments"])
    assert body["departments"] == directory(content)


def test_transfer_uses_the_department_and_the_callers_region():
    content = load_content()
    home = transfer_for(content, "imaging", None)
    assert home is not None and [n["value"] for n in home["numbers"]] == [content.contacts["imaging_phone"].value]
    assert transfer_for(content, None, None) is None and transfer_for(content, "nowhere", None) is None
    # a department with no number of its own: the main number
    portal = transfer_for(content, "self_service", "oregon")
    assert portal is not None and portal["main_number"] and portal["numbers"][0]["id"] == "main_phone"
    east = transfer_for(content, "roi", "eastern_washington")
    assert east is not None and east["numbers"][0]["value"] == content.contacts["kpwa_east_roi_phone"].value


def test_call_turns_skip_commands_and_render_for_the_agent():
    turns = call_turns(tracker().events, for_agent)
    assert turns[0]["caller"] is None and len(turns) == 4
    assert turns[-1]["messages"] == []  # the last message had no answer yet


# -- the caller's language ----------------------------------------------------------


def spanish_tracker(sender="agent-PBX-0043"):
    from triage.language import load_language_words

    domain = Domain.from_dict(
        {"slots": {name: {"type": "any", "mappings": [{"type": "custom"}]} for name in ("department", "language")}}
    )
    made = DialogueStateTracker(sender, domain.slots)
    confirm = load_language_words().confirm["es"]
    for event in [
        UserUttered("/greet"),
        BotUttered("Hi!", data={"buttons": GREETING.data["buttons"]}, metadata={"part": "greeting", "language": "en"}),
        UserUttered("Español"),
        SlotSet("language", "es"),
        BotUttered(confirm, metadata={"language": "es"}),
        UserUttered("/greet"),
        BotUttered(
            "¡Hola!", data={"buttons": GREETING.data["buttons"]}, metadata={"part": "greeting", "language": "es"}
        ),
    ]:
        made.update(event)
    return made


def test_for_call_words_the_language_choice_for_a_phone_call():
    from channels.agent import for_call
    from triage.content import load_agent_wording
    from triage.language import load_language_words

    wording, confirm = load_agent_wording(), load_language_words().confirm
    for language in ("es", "en"):
        shown = for_call([{"text": confirm[language], "language": language}])
        assert shown == [{"text": wording.language_chosen.get(language), "language": language, "part": "language"}]
    # the same words with buttons, or any other message, are the chat's as they are
    question = {"text": confirm["es"], "buttons": [{"title": "Sí", "payload": "/affirm"}], "language": "es"}
    assert for_call([question])[0]["text"] == confirm["es"]
    greeting = for_call([{"text": "¡Hola!", "part": "greeting", "language": "es"}])[0]
    assert greeting["text"] == wording.greeting.get("es") and greeting["language"] == "es"


def test_the_call_says_its_language_and_its_turns_keep_theirs(console):
    from triage.content import load_agent_wording

    console.trackers = Trackers([tracker(), spanish_tracker()])
    token, _ = signed_in(console)
    _, english = call(console, "GET", "/call/PBX-0042", CALL, cookie=token)
    assert english["language"] == "en"  # no language slot: English
    _, state = call(console, "GET", "/call/PBX-0043", CALL, cookie=token)
    assert state["language"] == "es"
    wording = load_agent_wording()
    first, chose, again = state["turns"]
    assert first["messages"][0]["language"] == "en" and first["messages"][0]["text"] == wording.greeting.get()
    assert chose["caller"] == "Español"
    assert chose["messages"] == [{"text": wording.language_chosen.get("es"), "language": "es", "part": "language"}]
    assert again["caller"] is None and again["messages"][0]["text"] == wording.greeting.get("es")
    _, new = call(console, "GET", "/call/new-call-2", CALL, cookie=token)
    assert new["language"] == "en"


class ScriptRequest(FakeRequest):
    def __init__(self, args=None, **kwargs):
        super().__init__(**kwargs)
        self.args = args or {}


def script_page(console, args=None, cookie=None):
    return asyncio.run(
        console.routes[("GET", "/script")](ScriptRequest(args=args, cookie=cookie, path="/agent/script"))
    )


def test_the_guided_script_page_in_the_callers_language(console):
    import base64
    import hashlib
    import html
    import re

    from triage.content import load_agent_wording

    refused = script_page(console)
    assert refused.status == 303 and refused.headers["location"] == "/agent/"
    token, _ = signed_in(console)
    opening = load_agent_wording().script.opening
    english = script_page(console, cookie=token)
    assert english.status == 200 and opening.get() in html.unescape(english.body.decode())
    spanish = script_page(console, {"language": "es"}, cookie=token)
    page = spanish.body.decode()
    assert spanish.status == 200 and opening.get("es") in html.unescape(page) and 'lang="es"' in page
    assert "Spanish-speaking caller" in page and "1. Find out what the caller needs" in page
    # its CSP allows its own style sheet (by hash) and nothing else: no script at all
    csp = spanish.headers["Content-Security-Policy"]
    style = re.search(r"<style>(.*?)</style>", page, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert csp.startswith("default-src 'none'; ") and f"style-src 'sha256-{digest}'" in csp
    assert "script-src" not in csp and "unsafe" not in csp
    assert spanish.headers["X-Content-Type-Options"] == "nosniff"
    assert script_page(console, {"language": "fr"}, cookie=token).status == 400
