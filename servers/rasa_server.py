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

It also keeps secrets off the command line and the server off the network by
default (``rasa run`` only): the HTTP API's token comes from ``RASA_AUTH_TOKEN``
in the environment (a command line is readable by every local user with ``ps``;
``sys.argv`` changed here is not), the address from ``BIND_ADDRESS`` (default
127.0.0.1, where Rasa's own default is every interface), and the server refuses
to start with ``--enable-api`` but no token, or with an empty, example or short
secret in production or off loopback (servers/settings_check.py). Files it
creates are readable by its user only (umask 077).
"""

from __future__ import annotations

import json
import os
import sys
from functools import lru_cache
from typing import Any, Dict, List, Mapping, Optional, Set, Tuple

from servers import settings_check

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


def _given(argv: List[str], *flags: str) -> Optional[str]:
    """The value after the last of ``flags`` in ``argv`` (``--flag value`` or ``--flag=value``)."""
    found = None
    for i, arg in enumerate(argv):
        for flag in flags:
            if arg == flag and i + 1 < len(argv):
                found = argv[i + 1]
            elif arg.startswith(flag + "="):
                found = arg.split("=", 1)[1]
    return found


def run_arguments(argv: List[str], environ: Mapping[str, str]) -> Tuple[List[str], List[str]]:
    """``rasa run`` arguments with the token and address from the environment;
    and why it must not start (empty when it may)."""
    if not argv or argv[0] != "run":
        return argv, []
    argv = list(argv)
    if _given(argv, "-i", "--interface") is None:
        argv += ["--interface", (environ.get("BIND_ADDRESS") or "127.0.0.1").strip()]
    token = (environ.get("RASA_AUTH_TOKEN") or "").strip()
    if _given(argv, "--auth-token") is None and token:
        argv += ["--auth-token", token]
    refused = []
    if "--enable-api" in argv and not _given(argv, "--auth-token"):
        refused.append("--enable-api without RASA_AUTH_TOKEN would open the HTTP API to anyone")
    host = _given(argv, "-i", "--interface") or "127.0.0.1"
    refused += settings_check.problems(environ, host)
    return argv, refused


def main() -> None:
    argv, refused = run_arguments(sys.argv[1:], os.environ)
    if refused:
        print("Rasa server refuses to start:\n" + "\n".join(f"  - {p}" for p in refused), file=sys.stderr)
        sys.exit(2)
    os.umask(0o077)
    from privacy import logs

    logs.install()  # no conversation id in clear, no identifier, in any log line (privacy/logs.py)
    install()
    from rasa.__main__ import main as rasa_main

    sys.argv[1:] = argv
    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
