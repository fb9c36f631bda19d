"""Rasa's own command line, with one speed fix for the custom-action path.

    python -m servers.rasa_server run --model models/current.tar.gz ...   # same arguments as `rasa`

Rasa 3.6 checks every action server reply against a JSON schema with
`jsonschema.validate`, which first re-checks the *schema itself* against the
JSON-schema meta-schema on every call. Profiling the server under load (py-spy,
50 conversations) put 49% of the Rasa server's CPU in that check, 43% in the
meta-schema part alone. Here the schema is checked once and the compiled
validator is reused: replies are still validated against the same schema and a
bad reply fails with the same error as before.

Of what is left, most is the events list: each event is tried against all 23
event schemas (`oneOf`). Our actions send the same few events again and again
(`{"event": "slot", "name": "department", "value": "roi"}`), so an event already
found valid is remembered (by its exact JSON, up to 20,000 of them) and not
checked again. The reply schema is a conjunction (the reply's other fields, and
each event on its own), so a reply whose parts are all valid is valid; anything
else goes through the full check, which raises Rasa's own error.

servers/serve.py, servers/cluster.py, bench/servers.py and the deploy files
start Rasa through this module, so every config measured by `make bench` gets it.
"""

from __future__ import annotations

import json
import sys
from functools import lru_cache
from typing import Any, Dict, Set

_valid_events: Set[str] = set()  # exact JSON of events found valid
MAX_REMEMBERED_EVENTS = 20_000


@lru_cache(maxsize=None)
def _action_reply_validator():
    """Rasa's reply schema, checked against the meta-schema once and compiled."""
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


@lru_cache(maxsize=None)
def _event_validator():
    """The same schema's rule for one event (the items of its events list)."""
    reply = _action_reply_validator()
    return type(reply)(reply.schema["properties"]["events"]["items"])


def reply_is_valid(result: Any) -> bool:
    """True only when ``result`` is valid against Rasa's action reply schema, using
    the events already found valid; False means "run the full check"."""
    if not isinstance(result, dict) or not isinstance(result.get("events", []), list):
        return False
    rest = {key: value for key, value in result.items() if key != "events"}
    if not _action_reply_validator().is_valid(rest):
        return False
    for event in result.get("events", []):
        try:
            key = json.dumps(event, sort_keys=True)
        except (TypeError, ValueError):
            return False
        if key in _valid_events:
            continue
        if not _event_validator().is_valid(event):
            return False
        if len(_valid_events) < MAX_REMEMBERED_EVENTS:
            _valid_events.add(key)
    return True


def _validate_action_result(self, result: Dict[str, Any]) -> bool:
    """Drop-in for RemoteAction._validate_action_result (same checks, same error text)."""
    from jsonschema.exceptions import best_match
    from rasa.shared.constants import DOCS_BASE_URL

    if reply_is_valid(result):
        return True
    error = best_match(_action_reply_validator().iter_errors(result))
    if error is not None:
        error.message += (
            f". Failed to validate Action server response from API, "
            f"make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise error
    return True


def install() -> None:
    """Swap the per-call schema check for the compiled one (idempotent)."""
    from rasa.core.actions.action import RemoteAction

    RemoteAction._validate_action_result = _validate_action_result


def main() -> None:
    install()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
