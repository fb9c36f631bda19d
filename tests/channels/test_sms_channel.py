"""The SMS input channel (channels/sms.py) over HTTP, in-process.

The channel's blueprint runs in a real Sanic server with Rasa's real SQLite
tracker store and lock store. In place of the trained assistant, a small scripted
assistant records what reaches it and answers like the custom actions do (and
logs the turn in the tracker store as Rasa does); the whole stack with the
trained model is covered by test_sms_end_to_end.py.
"""

from __future__ import annotations

import asyncio
import json
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace
from typing import Callable, Dict, List, Optional

import pytest
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, SlotSet, UserUttered
from sanic import Sanic
from twilio.request_validator import RequestValidator

from channels.sms import MAX_BODY, STOP_WORDS, SmsInput, asks_more, keyword, offered_choices, twiml
from channels.sms_config import SmsSettings, conversation_id
from channels.sms_text import HARD_LIMIT, is_gsm7, segments
from servers.local_services import free_port
from triage.content import load_content, load_sms_texts
from triage.render import Renderer

# The channel runs in a real (in-process) Sanic server on a loopback port.
pytestmark = pytest.mark.live

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = Domain.load(str(ROOT / "domain.yml"))
PUBLIC_URL = "https://sms.example.org/webhooks/sms/webhook"
TOKEN = "test-auth-token-0123456789"
KEY = "test-sender-key-0123456789abcdef"
NUMBER = "+15035550123"
ROI_PHONE = load_content().contacts["roi_phone"].value
TEXTS = load_sms_texts()
NO_MORE = TEXTS.no_more.get()
IMAGE_BUTTONS = [
    {"title": "X-ray, CT or MRI", "payload": '/inform{"imaging_kind":"xray"}'},
    {"title": "Ultrasound or mammogram", "payload": '/inform{"imaging_kind":"ultrasound"}'},
    {"title": "Dental x-rays", "payload": '/inform{"imaging_kind":"dental"}'},
]


class ScriptedAssistant:
    """Stands in for ``agent.handle_message``: records each message that reaches
    it, logs the turn in the tracker store, and sends ``reply(text)``'s bot messages."""

    def __init__(self, store) -> None:
        self.store = store
        self.received: List = []
        self.reply: Callable[[str], List[Dict]] = lambda text: [
            {"text": f"You said something ({len(text)} characters)."}
        ]

    async def __call__(self, message) -> None:
        self.received.append(message)
        answer = self.reply(message.text)
        tracker = await self.store.get_or_create_tracker(message.sender_id)
        tracker.update(UserUttered(message.text, input_channel=message.input_channel, metadata=message.metadata))
        for bot in answer:
            data = {k: v for k, v in bot.items() if k != "text"}
            tracker.update(BotUttered(bot.get("text"), data=data))
            await message.output_channel.send_response(message.sender_id, dict(bot))
        await self.store.save(tracker)


def settings(**overrides) -> SmsSettings:
    values = dict(public_url=PUBLIC_URL, auth_token=TOKEN, sender_key=KEY, verify_signature=True)
    values.update(overrides)
    return SmsSettings(**values)


# One Sanic app per test module (Sanic cannot build a second app in a process),
# with the channel mounted once per set of settings.
MOUNTS = {
    "main": settings(),
    "dev": settings(verify_signature=False),
    "notoken": settings(auth_token=""),
    "nourl": settings(public_url=""),
    "nokey": settings(sender_key="short"),
}


class Server:
    def __init__(self) -> None:
        self.app = Sanic("sms_channel_test")
        self.assistant: Optional[ScriptedAssistant] = None

        async def dispatch(message):
            await self.assistant(message)

        for name, mount_settings in MOUNTS.items():
            blueprint = SmsInput(mount_settings).blueprint(dispatch)
            self.app.blueprint(blueprint.copy(name=f"sms_{name}", url_prefix=f"/{name}/sms"))
        self.port = free_port()
        self.loop = asyncio.new_event_loop()

        async def start():
            server = await self.app.create_server(host="127.0.0.1", port=self.port, return_asyncio_server=True)
            await server.startup()

        self.loop.run_until_complete(start())
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def use_store(self, db: Path) -> "Server":
        """A fresh tracker store object on ``db`` (a new file: a new world; the same file: a restart)."""
        self.store = SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(db))
        self.app.ctx.agent = SimpleNamespace(tracker_store=self.store, lock_store=InMemoryLockStore())
        self.assistant = ScriptedAssistant(self.store)
        return self

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)

    def tracker(self, number: str = NUMBER):
        return asyncio.run_coroutine_threadsafe(self.store.retrieve(conversation_id(number, KEY)), self.loop).result(
            timeout=30
        )

    def post(self, data: bytes, headers: Optional[Dict[str, str]] = None, query: str = "", mount: str = "main"):
        url = f"http://127.0.0.1:{self.port}/{mount}/sms/webhook{query}"
        request = urllib.request.Request(
            url, data, {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.headers.get("Content-Type", ""), response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Content-Type", ""), error.read().decode("utf-8")

    def text(
        self,
        body: Optional[str],
        number: Optional[str] = NUMBER,
        token: str = TOKEN,
        url: str = PUBLIC_URL,
        sign: bool = True,
        extra: Optional[Dict[str, str]] = None,
        query: str = "",
        mount: str = "main",
    ):
        params = {"MessageSid": "SM" + uuid.uuid4().hex, "AccountSid": "AC123", "To": "+15035550000"}
        if number is not None:
            params["From"] = number
        if body is not None:
            params["Body"] = body
        params.update(extra or {})
        headers = {"X-Twilio-Signature": RequestValidator(token).compute_signature(url + query, params)} if sign else {}
        return self.post(urllib.parse.urlencode(params).encode("utf-8"), headers, query, mount)


@pytest.fixture(scope="module")
def harness():
    srv = Server()
    yield srv
    srv.stop()


@pytest.fixture()
def server(harness, tmp_path):
    return harness.use_store(tmp_path / "tracker.db")


def messages(body: str) -> List[str]:
    root = ET.fromstring(body.encode("utf-8"))  # well-formed XML or this raises
    assert root.tag == "Response"
    assert all(child.tag == "Message" for child in root)
    return [child.text or "" for child in root]


# -- signature ------------------------------------------------------------------


def test_a_correctly_signed_text_reaches_the_assistant(server):
    status, content_type, body = server.text("hello")
    assert status == 200 and "xml" in content_type
    assert messages(body) == ["You said something (5 characters)."]
    assert [m.text for m in server.assistant.received] == ["hello"]


@pytest.mark.parametrize(
    "case",
    ["missing", "wrong token", "wrong url", "port added", "tampered body", "garbage"],
)
def test_a_missing_or_wrong_signature_is_refused_and_nothing_is_stored(server, case):
    params = {"From": NUMBER, "Body": "my lawyer needs my records", "MessageSid": "SM1"}
    signer = RequestValidator(TOKEN)
    headers = {
        "missing": {},
        "wrong token": {"X-Twilio-Signature": RequestValidator("another-token").compute_signature(PUBLIC_URL, params)},
        "wrong url": {
            "X-Twilio-Signature": signer.compute_signature("https://evil.example.org/webhooks/sms/webhook", params)
        },
        "port added": {
            "X-Twilio-Signature": signer.compute_signature(PUBLIC_URL.replace("/webhooks", ":8443/webhooks"), params)
        },
        "tampered body": {"X-Twilio-Signature": signer.compute_signature(PUBLIC_URL, {**params, "Body": "hi"})},
        "garbage": {"X-Twilio-Signature": "not-a-signature"},
    }[case]
    status, _type, body = server.post(urllib.parse.urlencode(params).encode(), headers)
    assert status == 403
    assert "<Message>" not in body
    assert server.assistant.received == []
    assert server.tracker() is None  # nothing reached the tracker store


def test_the_signature_covers_a_query_string_twilio_was_given(server):
    assert server.text("hello", query="?campaign=a")[0] == 200
    params = {"From": NUMBER, "Body": "hello"}
    signed_without = RequestValidator(TOKEN).compute_signature(PUBLIC_URL, params)
    status, _t, _b = server.post(
        urllib.parse.urlencode(params).encode(), {"X-Twilio-Signature": signed_without}, "?campaign=a"
    )
    assert status == 403


def test_without_a_token_or_public_url_everything_is_refused(server):
    for mount in ("notoken", "nourl"):
        assert server.text("hello", token="", mount=mount)[0] == 403
        assert server.text("hello", mount=mount)[0] == 403
        assert server.text("hello", url="", mount=mount)[0] == 403
    assert server.assistant.received == []


def test_the_check_is_off_only_when_explicitly_switched_off(server):
    assert SmsSettings.from_env({}).verify_signature
    assert SmsSettings.from_env({"SMS_VERIFY_SIGNATURE": ""}).verify_signature
    assert SmsSettings.from_env({"SMS_VERIFY_SIGNATURE": "maybe"}).verify_signature
    for off in ("false", "False", "0", "no", "off"):
        assert not SmsSettings.from_env({"SMS_VERIFY_SIGNATURE": off}).verify_signature
    assert any("ANYONE" in p for p in SmsSettings.from_env({"SMS_VERIFY_SIGNATURE": "false"}).problems())
    assert server.text("hello", sign=False, mount="dev")[0] == 200
    assert len(server.assistant.received) == 1
    assert server.text("hello", sign=False)[0] == 403


# -- privacy ---------------------------------------------------------------------------


def test_the_conversation_id_is_a_keyed_hash_and_the_number_is_stored_nowhere(server):
    server.text("hello")
    message = server.assistant.received[0]
    assert message.sender_id == conversation_id(NUMBER, KEY)
    assert message.sender_id.startswith("sms-") and "5550123" not in message.sender_id
    assert message.input_channel == "sms"
    assert "5550123" not in json.dumps(message.metadata)
    stored = json.dumps(server.tracker().current_state(), default=str)
    assert "5550123" not in stored and "+1503" not in stored


def test_conversation_ids_are_stable_per_number_and_depend_on_the_key():
    assert conversation_id("+15035550123", KEY) == conversation_id(" +1 (503) 555-0123 ", KEY)
    assert conversation_id("+15035550123", KEY) != conversation_id("+15035550124", KEY)
    assert conversation_id("+15035550123", KEY) != conversation_id("+15035550123", KEY + "x")


def test_without_a_sender_key_the_channel_answers_503(server):
    assert server.text("hello", mount="nokey")[0] == 503
    assert server.assistant.received == []


# -- TwiML ------------------------------------------------------------------------------


def test_twiml_is_well_formed_and_escaped(server):
    tricky = "Fish & chips < 5 > 3 \"quoted\" 'single' ]]> <![CDATA[x]]> &amp; done"
    server.assistant.reply = lambda text: [{"text": tricky}]
    status, _t, body = server.text("hello")
    assert status == 200
    assert "&amp;" in body and "&lt;" in body
    [text] = messages(body)
    assert text.startswith('Fish & chips < 5 > 3 "quoted"') and text.endswith("& done")


def test_twiml_helper_gives_an_empty_response_for_no_messages():
    assert ET.fromstring(twiml([]).body).tag == "Response"
    assert list(ET.fromstring(twiml([]).body)) == []
    assert messages(twiml(["a & b", "c"]).body.decode()) == ["a & b", "c"]


def test_the_answer_is_shaped_for_sms(server):
    card = {
        "type": "department_card",
        "department": "imaging",
        "department_name": "Imaging",
        "contacts": [{"kind": "phone", "label": "Imaging phone", "value": "503-000-0000", "hours": None}],
    }
    server.assistant.reply = lambda text: [
        {
            "text": "Where to go: **Imaging**. Images come from Imaging \u2014 \u201cnot\u201d ROI \U0001f4f7",
            "custom": card,
            "part": "department_card",
        },
        {"text": "Steps:\n1. Call. " + "Say what you need. " * 25, "part": "steps"},
        {"text": "How to reach them:\n- Imaging phone: 503-000-0000", "part": "contacts"},
        {"text": "Pick one", "buttons": IMAGE_BUTTONS},
    ]
    [first] = messages(server.text("images")[2])
    assert first.startswith('Where to go: Imaging. Images come from Imaging - "not" ROI')
    assert "Imaging phone: 503-000-0000" in first
    assert segments(first) == 1 and first.endswith(TEXTS.more["steps"].get())
    rest = more_until_done(server)
    assert "Reply 1 for X-ray, CT or MRI\nReply 2 for Ultrasound or mammogram\nReply 3 for Dental x-rays" in rest[-1]
    for text in [first, *rest]:
        assert is_gsm7(text) and len(text) <= HARD_LIMIT and "**" not in text
        assert segments(text) <= 2
    # the options came on the last page: a digit still picks one
    server.assistant.reply = lambda text: [{"text": "Thanks."}]
    server.text("3")
    assert server.assistant.received[-1].text == IMAGE_BUTTONS[2]["payload"]


# -- MORE ---------------------------------------------------------------------------------

ROUTE_CARD = {
    "type": "department_card",
    "department": "roi",
    "department_name": "Release of Information (ROI)",
    "contacts": [
        {"kind": "email", "label": "ROI email", "value": "roi@example.org", "hours": None},
        {"kind": "phone", "label": "ROI phone", "value": "503-000-0001", "hours": "8 am to 4:30 pm"},
    ],
}


def route_reply(text):
    return [
        {
            "text": "Where to go: Release of Information (ROI). ROI sends a copy.",
            "custom": ROUTE_CARD,
            "part": "department_card",
        },
        {
            "text": "Steps:\n" + "\n".join(f"{i}. Do step {i} of the many steps, carefully." for i in range(1, 9)),
            "part": "steps",
        },
        {"text": "What to include:\n- Your full name\n- The dates", "part": "checklist"},
        {
            "text": "How to reach them:\n- ROI email: roi@example.org\n- ROI phone: 503-000-0001 (8 am to 4:30 pm)",
            "part": "contacts",
        },
        {"text": "How long: 5 business days.\nCost: Free.", "part": "time_cost"},
    ]


def more_until_done(server, number=NUMBER, words=("MORE", "more please", "Más", "mas", "More")):
    """Every page of the last answer, asking MORE until that's all (in several spellings)."""
    pages = []
    for word in list(words) * 4:
        [page] = messages(server.text(word, number=number)[2])
        if page == NO_MORE:
            return pages
        pages.append(page)
    raise AssertionError(f"no end after {len(pages)} pages")


def test_more_sends_the_rest_page_by_page_without_a_turn(server):
    server.assistant.reply = route_reply
    [first] = messages(server.text("my records")[2])
    assert first.startswith("Where to go: Release of Information (ROI).")
    assert "roi@example.org" in first and "503-000-0001" in first and segments(first) == 1
    pages = more_until_done(server)
    assert len(pages) >= 2 and all(segments(p) <= 2 for p in pages)
    assert "1. Do step 1" in pages[0] and "Cost: Free." in pages[-1]
    assert pages[0].endswith(("Reply MORE for steps.", "Reply MORE for what to include."))
    assert [m.text for m in server.assistant.received] == ["my records"]  # MORE never reached it
    tracker = server.tracker()
    assert [e.text for e in tracker.events if isinstance(e, UserUttered)] == ["my records"]
    # MORE once more: still that's all; a new question starts again
    assert messages(server.text("more")[2]) == [NO_MORE]
    messages(server.text("my records again")[2])
    assert more_until_done(server) == pages


def test_more_with_nothing_to_send_says_so(server):
    assert messages(server.text("MORE")[2]) == [NO_MORE]
    assert server.assistant.received == []
    server.assistant.reply = lambda text: [{"text": "Short answer."}]
    server.text("hello")
    assert messages(server.text("MORE")[2]) == [NO_MORE]


def test_a_replayed_more_gets_the_same_page_and_help_does_not_move_the_pages(server):
    server.assistant.reply = route_reply
    server.text("my records")
    sid = {"MessageSid": "SMmore1"}
    page = messages(server.text("MORE", extra=sid)[2])
    assert messages(server.text("MORE", extra=sid)[2]) == page  # a retry: the same page
    assert messages(server.text("HELP")[2])[0].startswith("This text line")
    following = messages(server.text("MORE")[2])
    assert following != page and following != [NO_MORE]
    assert messages(server.text("MORE", extra=sid)[2]) == page  # later still the same
    # and the original question, replayed, still gets its first message
    assert server.assistant.received[-1].text == "my records"


def test_the_next_page_is_read_from_the_store_so_a_restart_or_another_replica_agrees(harness, tmp_path):
    db = tmp_path / "shared.db"
    server = harness.use_store(db)
    server.assistant.reply = route_reply
    server.text("my records")
    first_page = messages(server.text("MORE")[2])
    other = harness.use_store(db)  # a new store object on the same database: another replica
    second_page = messages(other.text("MORE")[2])
    assert second_page != first_page and second_page != [NO_MORE]


def test_more_is_not_sent_while_stopped(server):
    server.assistant.reply = route_reply
    server.text("my records")
    server.text("STOP")
    assert messages(server.text("MORE")[2]) == []


@pytest.mark.parametrize("body", ["MORE", "more", " More. ", "more please", "Más", "mas", "MORE!", "send more"])
def test_more_words(body):
    assert asks_more(body)


@pytest.mark.parametrize("body", ["I need more records", "morel", "2", "", "more copies of my x-rays"])
def test_not_more_words(body):
    assert not asks_more(body)


# -- numbered choices -----------------------------------------------------------------------


@pytest.mark.parametrize("reply, index", [("2", 1), ("3", 2), (" 1. ", 0), ("dental", 2), ("Dental X-rays", 2)])
def test_a_reply_picks_the_offered_choice(server, reply, index):
    server.assistant.reply = lambda text: [{"text": "What kind of images?", "buttons": IMAGE_BUTTONS}]
    body = server.text("I need my images")[2]
    assert "Reply 2 for Ultrasound or mammogram" in messages(body)[0]
    server.assistant.reply = lambda text: [{"text": "Thanks."}]
    server.text(reply)
    assert server.assistant.received[-1].text == IMAGE_BUTTONS[index]["payload"]


def test_replies_that_pick_no_choice_go_through_as_typed(server):
    server.assistant.reply = lambda text: [{"text": "What kind of images?", "buttons": IMAGE_BUTTONS}]
    server.text("I need my images")
    server.assistant.reply = lambda text: [{"text": "Ok."}]
    for reply in ("7", "x-ray", "my lawyer needs my records"):
        server.text(reply)
        assert server.assistant.received[-1].text == reply
    # the choices were offered two turns ago: a digit is just a digit now
    assert server.text("2") and server.assistant.received[-1].text == "2"


def test_offered_choices_come_from_the_bot_messages_after_the_last_user_message():
    tracker = SimpleNamespace(
        events=[
            BotUttered("old", data={"buttons": [{"title": "Old", "payload": "/old"}]}),
            UserUttered("hi"),
            BotUttered("Which?", data={"buttons": IMAGE_BUTTONS[:1]}),
            BotUttered("also", data={}),
            BotUttered("And?", data={"buttons": IMAGE_BUTTONS[1:]}),
        ]
    )
    assert [c.payload for c in offered_choices(tracker)] == [b["payload"] for b in IMAGE_BUTTONS]
    assert offered_choices(None) == []


# -- STOP / START / HELP ---------------------------------------------------------------------


@pytest.mark.parametrize("word", sorted(STOP_WORDS) + ["stop", " Stop. ", "STOP!"])
def test_stop_words_end_the_conversation_and_nothing_more_is_sent(server, word):
    server.text("hello")
    status, _t, body = server.text(word)
    assert status == 200 and messages(body) == []
    assert server.tracker().is_paused()
    for later in ("hello again", "HELP", "I need my images"):
        assert messages(server.text(later)[2]) == []
    assert len(server.assistant.received) == 1  # only the first "hello" reached the assistant


def test_start_resumes_and_the_stop_survives_a_restart(harness, tmp_path):
    db = tmp_path / "tracker.db"
    first = harness.use_store(db)
    first.text("hello")
    first.text("STOP")
    second = harness.use_store(db)  # a restarted server (or another replica): a new store on the same database
    assert second.tracker().is_paused()
    assert messages(second.text("hello")[2]) == []
    [resumed] = messages(second.text("start")[2])
    assert resumed == Renderer(load_content()).fill(load_sms_texts().resumed)
    assert not second.tracker().is_paused()
    assert messages(second.text("hello")[2]) == ["You said something (5 characters)."]
    assert [m.text for m in second.assistant.received] == ["hello"]


def test_yes_resumes_only_after_a_stop(server):
    server.text("yes")
    assert server.assistant.received[-1].text == "yes"  # an ordinary answer while texting
    server.text("STOP")
    assert messages(server.text("Yes")[2]) == [Renderer(load_content()).fill(load_sms_texts().resumed)]
    assert not server.tracker().is_paused()


def test_help_says_what_this_is_and_gives_the_roi_phone(server):
    [text] = messages(server.text("help")[2])
    assert ROI_PHONE in text and "medical records" in text
    assert server.assistant.received == []


def test_help_in_spanish_for_ayuda_and_in_a_spanish_conversation(server):
    [text] = messages(server.text("AYUDA")[2])
    assert text.startswith("Esta linea") and ROI_PHONE in text  # Spanish, in GSM-7 ('í' dropped, 'é' kept)
    server.text("hola")
    tracker = server.tracker()
    tracker.update(SlotSet("language", "es"))
    asyncio.run_coroutine_threadsafe(server.store.save(tracker), server.loop).result(timeout=30)
    [text] = messages(server.text("HELP")[2])
    assert text.startswith("Esta linea") and ROI_PHONE in text
    [text] = messages(server.text("   ")[2])
    assert text.startswith("Su texto llego vacio")
    assert [m.text for m in server.assistant.received] == ["hola"]


def test_spanish_stop_words_end_the_conversation_too(server):
    server.text("hola")
    assert messages(server.text("Alto")[2]) == []
    assert server.tracker().is_paused()
    assert messages(server.text("AYUDA")[2]) == []


def test_keywords_are_whole_messages_only():
    assert keyword(" stop ") == "STOP" and keyword("Help?") == "HELP"
    assert keyword("please stop") != "STOP" and keyword("stop sending me " * 3) == ""


# -- bad input ---------------------------------------------------------------------------------


def test_an_empty_or_missing_body_gets_a_polite_text(server):
    empty = Renderer(load_content()).fill(load_sms_texts().empty)
    assert messages(server.text("")[2]) == [empty]
    assert messages(server.text("   ")[2]) == [empty]
    assert messages(server.text(None)[2]) == [empty]
    assert server.assistant.received == []


def test_a_10000_character_body_gets_a_polite_text(server):
    status, _t, body = server.text("x" * 10_000)
    assert status == 200
    assert messages(body) == [Renderer(load_content()).fill(load_sms_texts().too_long)]
    assert server.assistant.received == []
    assert server.text("y" * MAX_BODY)[0] == 200 and len(server.assistant.received) == 1


def test_non_utf8_bytes_get_a_clear_400(server):
    for data in (b"From=%2B15035550123&Body=%FF%FE%FD", b"From=%2B15035550123&Body=caf\xe9"):
        status, _t, body = server.post(data, {"X-Twilio-Signature": "x"})
        assert status == 400 and "UTF-8" in body
    assert server.assistant.received == []


def test_a_missing_from_gets_a_clear_400(server):
    status, _t, body = server.text("hello", number=None)
    assert status == 400 and "From" in body
    assert server.text("hello", number="  ")[0] == 400
    assert server.assistant.received == []


def test_control_characters_and_emoji_in_a_text_do_no_harm(server):
    status, _t, _b = server.text("my \x00records\x07 \U0001f600 please")
    assert status == 200
    assert server.assistant.received[-1].text == "my  records  \U0001f600 please"


def test_when_the_assistant_fails_the_person_gets_a_polite_text_not_a_500(server):
    def boom(text):
        raise RuntimeError("model exploded")

    server.assistant.reply = boom
    status, _t, body = server.text("hello")
    assert status == 200
    [text] = messages(body)
    assert ROI_PHONE in text


def test_when_the_assistant_sends_nothing_the_person_still_gets_the_roi_phone(server):
    server.assistant.reply = lambda text: []  # e.g. the action server is down
    [text] = messages(server.text("my lawyer needs my records")[2])
    assert ROI_PHONE in text
    assert len(server.assistant.received) == 1
