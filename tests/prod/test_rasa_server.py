"""scripts.rasa_server: the compiled action-reply check accepts and refuses exactly what Rasa's own does."""
import copy

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from scripts import rasa_server

ORIGINAL = RemoteAction._validate_action_result

GOOD = [
    {"events": [], "responses": []},
    {},
    {"events": [{"event": "slot", "name": "department", "value": "roi", "timestamp": None}],
     "responses": [{"text": "Call 1-800-000-0000", "buttons": [{"title": "Yes", "payload": "/affirm"}]}]},
    {"events": [{"event": "followup", "name": "action_listen"}], "responses": [{"custom": {"type": "letter"}}]},
]
BAD = [
    {"events": "not a list"},
    {"responses": ["just text"]},
    {"events": [{"event": "slot"}]},  # a slot event needs its name
    {"events": [{"no_event_key": 1}]},
    {"events": [{"event": "no_such_event"}]},
]


@pytest.fixture
def patched():
    rasa_server.install()
    yield RemoteAction(name="action_triage", action_endpoint=None)
    RemoteAction._validate_action_result = ORIGINAL


def outcome(validate, reply):
    try:
        return validate(copy.deepcopy(reply)), None
    except jsonschema.ValidationError as error:
        return None, error.message


@pytest.mark.parametrize("reply", GOOD + BAD)
def test_same_verdict_and_message_as_rasa(patched, reply):
    ours = outcome(patched._validate_action_result, reply)
    rasas = outcome(lambda r: ORIGINAL(patched, r), reply)
    assert ours == rasas


@pytest.mark.parametrize("reply", BAD)
def test_bad_replies_are_refused(patched, reply):
    with pytest.raises(jsonschema.ValidationError, match="Failed to validate Action server response"):
        patched._validate_action_result(reply)


def test_schema_is_compiled_once(patched):
    patched._validate_action_result(GOOD[2])
    first = rasa_server._action_reply_validator()
    patched._validate_action_result(GOOD[2])
    assert rasa_server._action_reply_validator() is first
