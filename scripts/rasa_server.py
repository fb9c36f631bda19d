"""Rasa's own command line, with one speed fix for the custom-action path.

    python -m scripts.rasa_server run --model models/current.tar.gz ...   # same arguments as `rasa`

Rasa 3.6 checks every action server reply against a JSON schema with
`jsonschema.validate`, which first re-checks the *schema itself* against the
JSON-schema meta-schema on every call. Profiling the server under load (py-spy,
50 conversations) put 49% of the Rasa server's CPU in that check, 43% in the
meta-schema part alone. Here the schema is checked once and the compiled
validator is reused: replies are still validated against the same schema and a
bad reply fails with the same error as before.

scripts/serve.py, scripts/cluster.py, bench/servers.py and the deploy files
start Rasa through this module, so every config measured by `make bench` gets it.
"""
from __future__ import annotations

import sys
from typing import Any, Dict

_validator = None


def _action_reply_validator():
    """Rasa's reply schema, checked against the meta-schema once and compiled."""
    global _validator
    if _validator is None:
        from jsonschema.validators import validator_for
        from rasa.core.actions.action import RemoteAction

        schema = RemoteAction.action_response_format_spec()
        cls = validator_for(schema)
        cls.check_schema(schema)
        _validator = cls(schema)
    return _validator


def _validate_action_result(self, result: Dict[str, Any]) -> bool:
    """Drop-in for RemoteAction._validate_action_result (same checks, same error text)."""
    from jsonschema.exceptions import best_match
    from rasa.shared.constants import DOCS_BASE_URL

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
