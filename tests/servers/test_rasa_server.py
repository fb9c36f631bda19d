"""servers.rasa_server: the compiled action-reply check accepts and refuses exactly what Rasa's own does."""

import copy
import json

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rasa.core.actions.action import RemoteAction

from servers import rasa_server

# In-process checks of the validator; no server is started.
pytestmark = pytest.mark.unit

ORIGINAL = RemoteAction._validate_action_result

GOOD = [
    {"events": [], "responses": []},
    {},
    {
        "events": [{"event": "slot", "name": "department", "value": "roi", "timestamp": None}],
        "responses": [{"text": "Call 1-800-000-0000", "buttons": [{"title": "Yes", "payload": "/affirm"}]}],
    },
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


# --- the remembered-events fast path --------------------------------------------------

EVENT_NAMES = [
    "slot",
    "user",
    "bot",
    "action",
    "followup",
    "reset_slots",
    "restart",
    "active_loop",
    "session_started",
    "action_execution_rejected",
    "pause",
    "resume",
    "undo",
    "rewind",
    "nope",
    "",
]
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)
EVENTS = st.fixed_dictionaries(
    {"event": st.sampled_from(EVENT_NAMES)},
    optional={
        "name": st.one_of(st.text(max_size=8), st.integers()),
        "value": JSON_VALUES,
        "timestamp": st.one_of(st.none(), st.floats(allow_nan=False), st.text(max_size=3)),
        "text": st.one_of(st.none(), st.text(max_size=5)),
        "policy": JSON_VALUES,
    },
)
REPLIES = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "events": st.lists(EVENTS, max_size=4),
            "responses": st.lists(
                st.one_of(st.dictionaries(st.text(max_size=4), JSON_VALUES, max_size=2), JSON_VALUES), max_size=2
            ),
            "extra": JSON_VALUES,
        },
    ),
    JSON_VALUES,
)


def rasa_accepts(reply) -> bool:
    try:
        ORIGINAL(RemoteAction(name="x", action_endpoint=None), copy.deepcopy(reply))
        return True
    except jsonschema.ValidationError:
        return False


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(REPLIES)
def test_fast_path_never_accepts_what_rasa_refuses(reply):
    # twice: the second time the events come from memory
    first, second = rasa_server.reply_is_valid(reply), rasa_server.reply_is_valid(reply)
    assert first == second
    if first:
        assert rasa_accepts(reply)
    elif isinstance(reply, dict):
        # a False only sends the reply through the full check; for well-formed JSON it means Rasa refuses too
        assert not rasa_accepts(reply)


def test_a_remembered_event_does_not_hide_a_bad_one(patched):
    good = {"event": "slot", "name": "department", "value": "roi", "timestamp": None}
    patched._validate_action_result({"events": [good]})
    assert json.dumps(good, sort_keys=True) in rasa_server._valid_events
    with pytest.raises(jsonschema.ValidationError, match="Failed to validate"):
        patched._validate_action_result({"events": [good, {"event": "slot"}]})
    with pytest.raises(jsonschema.ValidationError, match="Failed to validate"):
        patched._validate_action_result({"events": [good], "responses": "not a list"})


def test_memory_is_bounded(monkeypatch):
    monkeypatch.setattr(rasa_server, "_valid_events", set())
    monkeypatch.setattr(rasa_server, "MAX_REMEMBERED_EVENTS", 3)
    for n in range(10):
        assert rasa_server.reply_is_valid({"events": [{"event": "slot", "name": f"s{n}", "value": n}]})
    assert len(rasa_server._valid_events) == 3
