"""The call-center agent console's channel (``agent``), behind a login.

Under ``/agent/`` on the Rasa server:

- ``GET /agent/``          the console when signed in, else the sign-in page;
- ``POST /agent/login``    form fields ``username`` and ``password``;
- ``GET /agent/session``   ``{"user", "csrf"}`` for the signed-in agent;
- ``POST /agent/message``  ``{"call_id", "message"}`` -> the bot's messages;
- ``POST /agent/logout``.

Credentials come from the environment (``.env``): ``AGENT_USERNAME`` and
``AGENT_PASSWORD``; ``AGENT_SESSION_SECRET`` signs the session cookie (a random
one per process when unset, so sessions then end on restart). With
``ENV=production`` the console refuses to work with the example password from
``.env.example`` or with none. The session is an HMAC-signed, HttpOnly,
SameSite=Strict cookie; every POST after sign-in must carry the session's CSRF
token in the ``X-CSRF-Token`` header, and sign-in checks the ``Origin`` header.

Each call is its own conversation: the Rasa sender id is ``agent-<call id>``.
Responses use the ``agent`` output channel name, so domain responses can have
``channel: agent`` variations, and the actions see ``agent`` as the input channel.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json as jsonlib
import logging
import os
import re
import secrets
import time
from collections import defaultdict, deque
from typing import Any, Awaitable, Callable, Deque, Dict, Optional, Text
from urllib.parse import urlparse

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.http import answer_message, json, secure, static_file
from channels.render import WholeMessages, for_agent

logger = logging.getLogger(__name__)

EXAMPLE_PASSWORD = "change-me-agent-password"  # the value in .env.example; refused in production
COOKIE = "agent_session"
SESSION_SECONDS = 8 * 3600  # one shift
CALL_ID = re.compile(r"[A-Za-z0-9_-]{4,64}")
MAX_FAILURES, FAILURE_WINDOW = 5, 300  # sign-in attempts per client address per 5 minutes
ASSETS = ("agent.js", "agent.css")


class AgentOutput(WholeMessages):
    @classmethod
    def name(cls) -> Text:
        return "agent"


class Sessions:
    """Signed session tokens: ``base64(json).hmac``; nothing is stored on the server."""

    def __init__(self, secret: bytes) -> None:
        self.secret = secret

    def _sign(self, data: bytes) -> str:
        return hmac.new(self.secret, data, hashlib.sha256).hexdigest()

    def issue(self, user: str, now: Optional[float] = None) -> str:
        payload = {"u": user, "exp": int((now or time.time()) + SESSION_SECONDS), "csrf": secrets.token_urlsafe(24)}
        data = base64.urlsafe_b64encode(jsonlib.dumps(payload).encode()).rstrip(b"=")
        return f"{data.decode()}.{self._sign(data)}"

    def read(self, token: Optional[str], now: Optional[float] = None) -> Optional[Dict[str, Any]]:
        if not token or token.count(".") != 1:
            return None
        data, signature = token.split(".")
        if not hmac.compare_digest(self._sign(data.encode()), signature):
            return None
        try:
            payload = jsonlib.loads(base64.urlsafe_b64decode(data.encode() + b"=" * (-len(data) % 4)))
        except ValueError:
            return None
        if payload.get("exp", 0) < (now or time.time()):
            return None
        return payload


class Settings:
    def __init__(self, environ: Dict[str, str]) -> None:
        self.username = environ.get("AGENT_USERNAME") or ""
        self.password = environ.get("AGENT_PASSWORD") or ""
        self.production = environ.get("ENV", "development").lower() == "production"
        secret = environ.get("AGENT_SESSION_SECRET")
        self.secret = secret.encode() if secret else secrets.token_bytes(32)

    @property
    def problem(self) -> Optional[str]:
        """Why sign-in is switched off, or None when it is on."""
        if not self.username or not self.password:
            return "Sign-in is off: set AGENT_USERNAME and AGENT_PASSWORD in .env."
        if self.production and self.password == EXAMPLE_PASSWORD:
            return "Sign-in is off: ENV=production needs its own AGENT_PASSWORD in .env, not the example one."
        return None

    def check(self, username: str, password: str) -> bool:
        if self.problem:
            return False
        user_ok = hmac.compare_digest(username.encode(), self.username.encode())
        password_ok = hmac.compare_digest(password.encode(), self.password.encode())
        return user_ok and password_ok


class AgentConsoleInput(InputChannel):
    def __init__(self, settings: Optional[Settings] = None) -> None:
        self.settings = settings or Settings(dict(os.environ))
        self.sessions = Sessions(self.settings.secret)
        self.failures: Dict[str, Deque[float]] = defaultdict(deque)
        if self.settings.problem:
            logger.warning("agent console: %s", self.settings.problem)

    @classmethod
    def name(cls) -> Text:
        return "agent"

    def url_prefix(self) -> Text:
        return "/agent"

    # -- helpers ---------------------------------------------------------
    def session(self, request: Request) -> Optional[Dict[str, Any]]:
        return self.sessions.read(request.cookies.get(COOKIE))

    def csrf_ok(self, request: Request, session: Dict[str, Any]) -> bool:
        sent = request.headers.get("x-csrf-token", "")
        return bool(sent) and hmac.compare_digest(sent.encode(), session["csrf"].encode())

    @staticmethod
    def same_origin(request: Request) -> bool:
        origin = request.headers.get("origin") or request.headers.get("referer")
        if not origin:
            return True  # not a browser form post from another page
        return urlparse(origin).netloc == request.headers.get("host", "")

    def too_many_failures(self, client: str) -> bool:
        attempts = self.failures[client]
        while attempts and attempts[0] < time.time() - FAILURE_WINDOW:
            attempts.popleft()
        return len(attempts) >= MAX_FAILURES

    def set_cookie(self, resp: HTTPResponse, value: str, max_age: int) -> None:
        resp.cookies[COOKIE] = value
        cookie = resp.cookies[COOKIE]
        cookie["httponly"] = True
        cookie["samesite"] = "Strict"
        cookie["path"] = "/agent"
        cookie["max-age"] = max_age
        if self.settings.production:
            cookie["secure"] = True

    def login_page(self, notice: Optional[str], status: int) -> HTTPResponse:
        resp = static_file("agent", "login.html", status=status)
        message = notice or self.settings.problem
        if message:  # fixed strings from this module, never user input
            assert resp.body is not None and resp.content_type is not None  # static_file sets both
            body = resp.body.replace(b"<!--notice-->", f'<p class="notice" role="alert">{message}</p>'.encode())
            resp = secure(response.raw(body, status=status, content_type=resp.content_type))
        return resp

    # -- routes ----------------------------------------------------------
    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("agent_console", __name__)

        @bp.get("/")
        async def page(request: Request) -> HTTPResponse:
            if self.session(request):
                return static_file("agent", "console.html")
            return self.login_page(None, 200)

        for asset in ASSETS:
            bp.add_route(_asset_handler(asset), f"/{asset}", methods=["GET"], name=asset.replace(".", "_"))

        @bp.post("/login")
        async def login(request: Request) -> HTTPResponse:
            client = request.remote_addr or request.ip or "?"
            if not self.same_origin(request):
                return self.login_page("Sign-in must come from this page.", 403)
            if self.too_many_failures(client):
                return self.login_page("Too many tries. Wait 5 minutes and try again.", 429)
            username = request.form.get("username", "")
            password = request.form.get("password", "")
            if not self.settings.check(username, password):
                self.failures[client].append(time.time())
                logger.info("agent console: failed sign-in")
                return self.login_page("Wrong user name or password.", 401)
            self.failures.pop(client, None)
            resp = secure(response.redirect("/agent/", status=303))
            self.set_cookie(resp, self.sessions.issue(username), SESSION_SECONDS)
            return resp

        @bp.get("/session")
        async def session(request: Request) -> HTTPResponse:
            current = self.session(request)
            if not current:
                return json({"error": "not signed in"}, 401)
            return json({"user": current["u"], "csrf": current["csrf"]})

        @bp.post("/logout")
        async def logout(request: Request) -> HTTPResponse:
            current = self.session(request)
            if not current or not self.csrf_ok(request, current):
                return json({"error": "not signed in"}, 401)
            resp = json({"ok": True})
            self.set_cookie(resp, "", 0)
            return resp

        @bp.post("/message")
        async def message(request: Request) -> HTTPResponse:
            current = self.session(request)
            if not current:
                return json({"error": "not signed in"}, 401)
            if not self.csrf_ok(request, current):
                return json({"error": "missing or wrong CSRF token"}, 403)
            body = request.json if isinstance(request.json, dict) else {}
            call_id, text = body.get("call_id"), body.get("message")
            if not isinstance(call_id, str) or not CALL_ID.fullmatch(call_id):
                return json({"error": "a call id is 4 to 64 letters, digits, - or _"}, 400)
            return await answer_message(on_new_message, text, f"agent-{call_id}", AgentOutput(), self.name(), for_agent)

        return bp


def _asset_handler(name: str):
    async def handler(_: Request) -> HTTPResponse:
        return static_file("agent", name)

    return handler
