"""End to end: start both servers the way `make run` does, talk over REST, read the tracker API.

Uses its own ports, token and tracker database (a temporary .env), so it can run
beside a developer's `make run`.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.servers.serving import post_json as post
from tests.servers.serving import serving

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "current.tar.gz"
TOKEN = "e2e-test-token"

pytestmark = pytest.mark.skipif(not MODEL.exists(), reason="no trained model: run `make test`, which trains it")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("e2e"), {"RASA_AUTH_TOKEN": TOKEN}) as running:
        yield running


def say(server, sender, message):
    return post(f"{server['base']}/webhooks/rest/webhook", {"sender": sender, "message": message})


def tracker(server, sender, token=TOKEN):
    url = f"{server['base']}/conversations/{sender}/tracker?token={token}"
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


def department(server, sender):
    return tracker(server, sender)["slots"]["department"]


def text(replies):
    return "\n".join(r.get("text", "") for r in replies)


def test_lawyer_records_conversation(server):
    replies = say(server, "e2e-lawyer", "hi, my attorney wants copies of my medical records")
    assert department(server, "e2e-lawyer") == "roi"
    assert "nw.roi@kp.org" in text(replies) and "$16.50" in text(replies)
    follow = say(server, "e2e-lawyer", "how long does it take?")
    assert "5 business days" in text(follow)
    assert department(server, "e2e-lawyer") == "roi"


def test_clarifying_question_with_buttons_then_answer(server):
    replies = say(server, "e2e-images", "i need my images")
    buttons = [b for r in replies for b in r.get("buttons", [])]
    assert len(buttons) == 4
    assert department(server, "e2e-images") is None
    dental = next(b for b in buttons if "Dental" in b["title"])
    replies = say(server, "e2e-images", dental["payload"])
    assert department(server, "e2e-images") == "roi"
    assert "PowerShare" in text(replies)


def test_new_request_overwrites_department(server):
    say(server, "e2e-switch", "my dentist wants my x-rays")
    assert department(server, "e2e-switch") == "roi"
    replies = say(server, "e2e-switch", "also i need fmla paperwork for my surgery")
    assert department(server, "e2e-switch") == "leave_form"
    assert "Request FMLA Medical Certification" in text(replies)


def test_everyday_message_gets_no_department(server):
    replies = say(server, "e2e-weather", "will it rain in boston tomorrow")
    assert department(server, "e2e-weather") is None
    assert "503-571-5051" in text(replies)


def test_rights_questions_carry_the_figures_for_the_state(server):
    """Rights questions through REST, answered with the state's own figures."""
    fees = say(server, "e2e-fees", "what could they bill me for 120 pages of records in washington?")
    assert "Total: $149.80" in text(fees)
    assert tracker(server, "e2e-fees")["slots"]["jurisdiction"] == "WA"

    due = say(server, "e2e-due", "I sent my records request on March 3 in Fresno, what's the legal deadline?")
    assert "California" in text(due) and "15 days" in text(due)

    refuse = say(server, "e2e-refuse", "can the hospital refuse to give me my chart?")
    buttons = [b for r in refuse for b in r.get("buttons", [])]
    assert [b["title"] for b in buttons] == ["Washington", "Oregon", "California", "Another state"]
    oregon = say(server, "e2e-refuse", buttons[1]["payload"])
    assert "Oregon uses the federal rule here." in text(oregon)
    assert "not legal advice" in text(oregon)
    assert department(server, "e2e-refuse") == "roi"


def test_tracker_api_needs_the_token(server):
    say(server, "e2e-token", "hello")
    with pytest.raises(urllib.error.HTTPError) as error:
        tracker(server, "e2e-token", token="wrong")
    assert error.value.code == 401


def test_conversations_are_stored_in_sqlite(server):
    import sqlite3

    say(server, "e2e-sqlite", "my dentist wants my x-rays")
    with sqlite3.connect(server["db"]) as db:
        count = db.execute("select count(*) from events where sender_id = 'e2e-sqlite'").fetchone()[0]
    assert count > 0


def test_message_text_is_not_logged_at_the_default_level(server):
    say(server, "e2e-log", "my lawyer Zebulon Quixote needs my records")
    assert "Zebulon" not in server["log"].read_text()
