"""Finding 7: `POST /health` on the action server answered 500 (rasa_sdk turns every
exception, a wrong method included, into 500). Now 405 with an Allow header,
and an unknown path 404 (servers/action_server.py)."""

from __future__ import annotations

import json

import pytest

from tests.security.conftest import call
from tests.servers.test_access import action_server  # noqa: F401  (the running action server, token the-right-token)

pytestmark = pytest.mark.live


def test_wrong_methods_get_405_not_500(action_server):  # noqa: F811
    for method in ("POST", "PUT", "DELETE"):
        status, _, headers = call(f"{action_server}/health", b"" if method != "DELETE" else None, method=method)
        assert status == 405, method
        assert "GET" in headers.get("Allow", "")
    assert call(f"{action_server}/health")[0] == 200
    assert call(f"{action_server}/no-such-page?token=the-right-token")[0] == 404


def test_a_failing_action_answers_without_the_conversation(action_server):  # noqa: F811
    # rasa_sdk's own handler echoed the request body (the tracker, with what the user
    # typed), which Rasa then logged; the marker must not come back
    marker = "MARKER-my-secret-words"
    body = json.dumps({"next_action": "action_converse", "sender_id": "x", "tracker": marker}).encode()
    status, text, _ = call(f"{action_server}/webhook?token=the-right-token", body, {"Content-Type": "application/json"})
    assert status == 500
    assert marker not in text
