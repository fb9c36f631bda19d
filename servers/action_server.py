"""The action server (rasa_sdk 3.6.2) with a token check: ``python -m servers.action_server``.

rasa_sdk 3.6.2 has no authentication of its own (its only extension point is a
pluggy plugin installed as a package). Rasa 3.6 sends the ``token`` of
``action_endpoint`` in endpoints.yml as a query parameter (``?token=...``, see
``EndpointConfig.combine_parameters`` in rasa/utils/endpoints.py), so this entry
point builds rasa_sdk's own Sanic app (``rasa_sdk.endpoint.create_app``) and adds
one request middleware: ``/webhook`` and ``/actions`` answer 401 unless the
``token`` query parameter equals ``ACTION_SERVER_TOKEN``; ``/health`` stays open.
No CORS origin is allowed (only the Rasa server calls it). Same options as
``rasa run actions`` for port, actions package, logging.
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os
import sys
import traceback
from pathlib import Path
from typing import Optional

from servers import settings_check

ROOT = Path(__file__).resolve().parent.parent

OPEN_PATHS = {"/health"}
logger = logging.getLogger("servers.action_server")


def token_ok(given: Optional[str], expected: str) -> bool:
    return bool(expected) and given is not None and hmac.compare_digest(given.encode(), expected.encode())


def create_app(actions: str, token: str):
    from rasa_sdk.endpoint import create_app as create_sdk_app
    from sanic import response
    from sanic.exceptions import MethodNotSupported, NotFound

    app = create_sdk_app(actions, cors_origins="", auto_reload=False)

    # rasa_sdk answers every exception with 500, a wrong method included: say 405 / 404 instead.
    @app.exception(MethodNotSupported)
    async def wrong_method(request, error):
        allowed = (getattr(error, "headers", None) or {}).get("Allow", "")
        return response.json({"error": f"method {request.method} not allowed"}, status=405, headers={"Allow": allowed})

    @app.exception(NotFound)
    async def not_found(request, error):
        return response.json({"error": "not found"}, status=404)

    # rasa_sdk answers any other exception with the whole request body (the tracker,
    # with everything the user typed), and Rasa logs that answer: answer without it,
    # and log only the kind of error and where (no message text)
    @app.exception(Exception)
    async def failed(request, error):
        where = "".join(traceback.format_tb(error.__traceback__)[-3:])
        logger.error("action server: %s while answering %s\n%s", type(error).__name__, request.path, where)
        return response.json({"error": "the action failed"}, status=500)

    @app.on_request
    async def require_token(request):
        if request.path in OPEN_PATHS:
            return None
        if not token_ok(request.args.get("token"), token):
            logger.warning("action server: refused a call to %s without the right token", request.path)
            return response.json({"error": "missing or wrong token"}, status=401)
        return None

    return app


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", default="actions")
    parser.add_argument("--port", type=int, default=int(os.environ.get("ACTION_PORT") or 5055))
    parser.add_argument("--quiet", action="store_true", help="log warnings and errors only")
    parser.add_argument("--debug", action="store_true")
    args = parser.parse_args(argv)

    token = os.environ.get("ACTION_SERVER_TOKEN", "")
    if not token:
        print("ACTION_SERVER_TOKEN is not set: the action server refuses to start without it.", file=sys.stderr)
        return 2
    host = (os.environ.get("BIND_ADDRESS") or os.environ.get("SANIC_HOST") or "127.0.0.1").strip()
    refused = [p for p in settings_check.problems(os.environ, host) if p.startswith("ACTION_SERVER_TOKEN")]
    if refused:
        print("The action server refuses to start: " + "; ".join(refused), file=sys.stderr)
        return 2

    from rasa_sdk import utils

    from privacy import logs

    logs.install()  # identifiers masked in every log line (privacy/logs.py)

    level = logging.DEBUG if args.debug else logging.WARNING if args.quiet else logging.INFO
    logging.getLogger("matplotlib").setLevel(logging.WARN)
    utils.configure_colored_logging(level)
    utils.update_sanic_log_level()
    app = create_app(args.actions, token)
    logger.info("Action server on http://%s:%s (token required)", host, args.port)
    app.run(host, args.port, workers=utils.number_of_sanic_workers(), access_log=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
