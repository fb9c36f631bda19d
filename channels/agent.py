"""The call-center agent console's channel (``agent``), behind a sign-in per agent.

Under ``/agent/`` on the Rasa server:

- ``GET /agent/``          the console when signed in, else the sign-in page;
- ``POST /agent/login``    form fields ``username`` and ``password``;
- ``GET /agent/session``   ``{"user", "role", "csrf"}`` for the signed-in agent;
- ``POST /agent/message``  ``{"call_id", "message"}`` -> the bot's messages;
- ``GET /agent/call/<call_id>``  the call rebuilt from the tracker (read here, on
  the server: the browser never holds Rasa's API token): its turns (the caller's
  masked words, the bot messages rendered with ``for_agent``), the department,
  route and region slots, where to transfer, and the call's notes and outcome;
- ``POST /agent/call/<call_id>/notes``  ``{"outcome", "notes"}``: saved in the
  accounts database, the notes masked first (``accounts/store.py``);
- ``GET /agent/directory``  every department's numbers to dial, by region;
- ``GET /agent/script``    the printable guided script (``triage/guided_script.py``) for an
  English-speaking caller; ``?language=es`` for a Spanish-speaking one (what to say and
  ask in Spanish, the agent's headings in English). A page of its own: no script,
  only its own inline style (allowed by its hash);
- ``GET /agent/handoff`` and ``/agent/handoffs...``  the queue of chats and texts
  handed to a person (``handoff/routes.py``, docs/handoff.md);
- ``POST /agent/logout``;
- ``GET /agent/dashboard``  the supervisors' dashboard (``analytics/``; other roles 403):
  query ``from``, ``to`` (YYYY-MM-DD), ``channel``, ``language``; its charts at
  ``GET /agent/dashboard/chart/<name>.svg`` and its figures at ``GET /agent/dashboard.csv``.
  It reads only the aggregates database (ANALYTICS_DB), never the tracker's events.

Calls are shared call-center conversations: any signed-in agent may open a call
id and read or update its notes (a call moves between agents on transfer).

Each agent has an account (``accounts/``, managed with ``python -m scripts.agents``
or ``make agents``); the first one can come from ``AGENT_USERNAME`` /
``AGENT_PASSWORD`` in ``.env`` when there is no account yet (refused with
``ENV=production`` when it is the example password or shorter than 12). Sessions
live on the server: the HttpOnly, SameSite=Strict cookie holds only a random id,
so signing out, disabling an account or resetting its password ends a session
for good. Every POST after sign-in must carry the session's CSRF token in the
``X-CSRF-Token`` header, sign-in checks the ``Origin`` header, and failed
sign-ins are slowed down per account and client address (``accounts/throttle.py``)
without locking an agent out. Sign-ins, sign-outs and the calls an agent handles
go into the audit log (never the message text).

Each call is its own conversation: the Rasa sender id is ``agent-<call id>``.
Responses use the ``agent`` output channel name, so domain responses can have
``channel: agent`` variations, and the actions see ``agent`` as the input channel.

The caller's language: the console's English / Español buttons send the word
("Español") into the call's conversation like any caller's words, so the
conversation step switches, and from then on what the console shows the agent to
say and ask (``for_agent``) is in that language. The chat's confirmation ("... type
ENGLISH") is shown to the agent as ``language_chosen`` of content/agent.yml
(:func:`for_call`). ``GET /agent/call/<id>`` says the call's ``language``.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import hmac
import logging
import os
import re
from dataclasses import replace
from functools import lru_cache
from typing import Any, Awaitable, Callable, Dict, List, Optional, Sequence, Text
from urllib.parse import urlparse

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.exc import SQLAlchemyError

from accounts import passwords, throttle
from accounts.store import MAX_NOTES, OUTCOMES, SESSION_SECONDS, AgentStore, CallNotes, Session
from analytics import charts
from analytics.page import render as render_dashboard
from analytics.report import Figures, parse_filters, recent_figures
from analytics.store import AnalyticsStore
from channels.agent_calls import call_turns, directory, transfer_for
from channels.http import answer_message, json, secure, static_file
from channels.render import WholeMessages, for_agent, language_of
from handoff import routes as handoff_routes
from triage.content import load_agent_wording, load_content
from triage.guided_script import build_script, to_html
from triage.language import DEFAULT, LANGUAGES, load_language_words
from triage.render import Renderer

logger = logging.getLogger(__name__)

COOKIE = "agent_session"
CALL_ID = re.compile(r"[A-Za-z0-9_-]{4,64}")
ASSETS = ("agent.js", "agent.css")
_pause = asyncio.sleep  # replaced in tests
CALL_SLOTS = ("department", "route", "region")  # the slots the console shows after a reload
CHART_CSP = "default-src 'none'; style-src 'unsafe-inline'"  # an SVG image: matplotlib's style attributes, no script
# The guided script page: nothing but its own inline style sheet (allowed by its hash), no script at all.
SCRIPT_CSP = "default-src 'none'; style-src '{style}'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
UNKNOWN_USER = "(unknown)"  # the audit's name for a failed sign-in with a user name that has no account


def for_call(messages: Sequence[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """``for_agent``, with the chat's confirmation of a language choice ("Muy bien. Le
    contesto en español. Para inglés, escriba ENGLISH.") in words for a phone call
    (content/agent.yml ``language_chosen``): the agent chose it for the caller."""
    shown = for_agent(messages)
    confirm = load_language_words().confirm
    chosen = load_agent_wording().language_chosen
    result = []
    for message in shown:
        language = language_of([message])
        if message.get("text") == confirm.get(language) and not message.get("buttons"):
            text = Renderer(load_content(), language).fill(chosen)
            message = {**message, "text": text, "part": "language"}
        result.append(message)
    return result


@lru_cache(maxsize=4)
def guided_script_page(language: str, day: dt.date) -> tuple[str, str]:
    """The guided script's HTML for a caller's language (built once a day) and its CSP."""
    page = to_html(build_script(load_content(), load_agent_wording(), language, today=day))
    style = re.search(r"<style>(.*?)</style>", page, re.S)
    digest = hashlib.sha256((style.group(1) if style else "").encode("utf-8")).digest()
    return page, SCRIPT_CSP.format(style="sha256-" + base64.b64encode(digest).decode("ascii"))


class AgentOutput(WholeMessages):
    @classmethod
    def name(cls) -> Text:
        return "agent"


class Settings:
    """The console's settings from the environment (``.env``)."""

    def __init__(self, environ: Dict[str, str]) -> None:
        self.username = environ.get("AGENT_USERNAME") or ""
        self.password = environ.get("AGENT_PASSWORD") or ""
        self.production = environ.get("ENV", "development").lower() == "production"
        self.proxies = throttle.trusted_proxies(environ)

    @property
    def bootstrap_problem(self) -> Optional[str]:
        """Why AGENT_USERNAME / AGENT_PASSWORD cannot make the first account, or None when they can."""
        if not self.username or not self.password:
            return 'Sign-in is off: there is no agent account. Add one with `make agents ARGS="add NAME"` (or set AGENT_USERNAME and AGENT_PASSWORD in .env).'
        if self.production and self.password == passwords.EXAMPLE_PASSWORD:
            return "Sign-in is off: ENV=production needs its own AGENT_PASSWORD in .env, not the example one (or add accounts with `make agents`)."
        if self.production and len(self.password) < passwords.MIN_LENGTH:
            return f"Sign-in is off: with ENV=production AGENT_PASSWORD needs at least {passwords.MIN_LENGTH} characters (or add accounts with `make agents`)."
        return None


class AgentConsoleInput(InputChannel):
    def __init__(self, settings: Optional[Settings] = None, store: Optional[AgentStore] = None) -> None:
        self.settings = settings or Settings(dict(os.environ))
        self.store = store or AgentStore.from_env(dict(os.environ))
        self._has_accounts = False
        self._bootstrapped = False
        self._analytics: Optional[AnalyticsStore] = None
        try:
            self.problem()  # at start: the first account from .env, or a clear log line why sign-in is off
        except SQLAlchemyError as error:  # the server still starts; the first sign-in tries again
            logger.error("agent console: the accounts database is not available (%s)", type(error).__name__)

    @classmethod
    def name(cls) -> Text:
        return "agent"

    def url_prefix(self) -> Text:
        return "/agent"

    # -- accounts and sessions ---------------------------------------------
    def problem(self) -> Optional[str]:
        """Why sign-in is off, or None. The first call creates the first account from .env when it may."""
        if self._has_accounts:
            return None
        if not self._bootstrapped:
            issue = self.settings.bootstrap_problem
            if issue is None and self.store.bootstrap(self.settings.username, self.settings.password):
                logger.info("agent console: created the first account (a supervisor) from AGENT_USERNAME")
            elif issue and not self.store.count():
                logger.warning("agent console: %s", issue)
            self._bootstrapped = True
        self._has_accounts = self.store.count() > 0
        return None if self._has_accounts else self.settings.bootstrap_problem or "Sign-in is off: no agent account."

    def current(self, request: Request) -> Optional[Session]:
        """The signed-in agent's session, or None."""
        return self.store.session(request.cookies.get(COOKIE))

    def csrf_ok(self, request: Request, session: Session) -> bool:
        sent = request.headers.get("x-csrf-token", "")
        return bool(sent) and hmac.compare_digest(sent.encode(), session.csrf.encode())

    def require_role(self, request: Request, role: str) -> Optional[HTTPResponse]:
        """None when the signed-in agent has ``role``; else the answer to send (401 not signed in, 403 other role)."""
        session = self.current(request)
        if session is None:
            return json({"error": "not signed in"}, 401)
        if session.role != role:
            return json({"error": f"only for the role {role}"}, 403)
        return None

    def client(self, request: Request) -> str:
        """The caller's address (X-Forwarded-For only from TRUSTED_PROXIES); never logged or stored in clear."""
        peer = request.ip or request.remote_addr or "?"
        return throttle.client_address(peer, request.headers.get("x-forwarded-for"), self.settings.proxies)

    async def sign_in(self, username: str, password: str, client: str) -> tuple[int, Optional[str], Optional[int]]:
        """Check one sign-in: (status, session id or None, seconds to wait when refused)."""
        counts = self.store.failure_counts(username, client)
        wait = throttle.retry_after(counts, self.store.clock())
        if wait is not None:
            logger.info("agent console: sign-in refused for %d s (too many failures)", wait)
            return 429, None, wait
        await _pause(throttle.account_delay(counts.account_recent))
        account = self.store.get(username)
        usable = account is not None and not account.disabled
        stored = account.password_hash if account is not None and usable else None
        if not await asyncio.to_thread(passwords.verify, stored, password):  # argon2 takes tens of ms: off the loop
            self.store.record_failure(username, client)
            self.store.audit(username if account is not None else UNKNOWN_USER, "sign_in_failed")
            logger.info("agent console: failed sign-in")
            return 401, None, None
        assert account is not None
        self.store.clear_failures(username, client)
        if passwords.needs_rehash(account.password_hash):
            self.store.rehash(username, password)
        token, _ = self.store.create_session(username)
        self.store.audit(username, "sign_in")
        return 303, token, None

    def set_cookie(self, resp: HTTPResponse, value: str, max_age: int) -> None:
        resp.cookies[COOKIE] = value
        cookie = resp.cookies[COOKIE]
        cookie["httponly"] = True
        cookie["samesite"] = "Strict"
        cookie["path"] = "/agent"
        cookie["max-age"] = max_age
        if self.settings.production:
            cookie["secure"] = True

    @staticmethod
    def same_origin(request: Request) -> bool:
        origin = request.headers.get("origin") or request.headers.get("referer")
        if not origin:
            return True  # not a browser form post from another page
        return urlparse(origin).netloc == request.headers.get("host", "")

    def login_page(self, notice: Optional[str], status: int) -> HTTPResponse:
        resp = static_file("agent", "login.html", status=status)
        if notice:  # fixed strings from this module, never user input
            assert resp.body is not None and resp.content_type is not None  # static_file sets both
            body = resp.body.replace(b"<!--notice-->", f'<p class="notice" role="alert">{notice}</p>'.encode())
            resp = secure(response.raw(body, status=status, content_type=resp.content_type))
        return resp

    def signed_in_post(self, request: Request) -> tuple[Optional[Session], Optional[HTTPResponse]]:
        """The session of a POST with its CSRF token, or the refusal to send (401 / 403)."""
        current = self.current(request)
        if not current:
            return None, json({"error": "not signed in"}, 401)
        if not self.csrf_ok(request, current):
            return None, json({"error": "missing or wrong CSRF token"}, 403)
        return current, None

    def call_state(self, call_id: str, tracker: Any) -> Dict[str, Any]:
        """What the console needs to rebuild a call after a reload (``tracker`` may be None: a new call)."""
        slots = {name: tracker.get_slot(name) if tracker is not None else None for name in CALL_SLOTS}
        language = tracker.get_slot("language") if tracker is not None else None
        return {
            "call_id": call_id,
            "known": tracker is not None and bool(tracker.events),
            "language": language if language in LANGUAGES else DEFAULT,
            "turns": call_turns(tracker.events, for_call) if tracker is not None else [],
            "slots": slots,
            "transfer": transfer_for(load_content(), slots["department"], slots["region"]),
            "notes": notes_json(self.store.call_notes(call_id)),
            "outcomes": list(OUTCOMES),
        }

    # -- dashboard (supervisors) -------------------------------------------
    def analytics(self) -> AnalyticsStore:
        if self._analytics is None:
            self._analytics = AnalyticsStore.from_env(dict(os.environ))
        return self._analytics

    async def dashboard_figures(self, request: Request) -> tuple[Optional[Figures], Optional[HTTPResponse]]:
        """The figures for the request's filters, or the refusal (401, 403 for a role other than supervisor, 400)."""
        refused = self.require_role(request, "supervisor")
        if refused is not None:
            return None, refused
        try:
            filters = parse_filters({k: request.args.get(k, "") for k in ("from", "to", "channel", "language")})
        except ValueError as problem:
            return None, json({"error": str(problem)}, 400)
        return await asyncio.to_thread(recent_figures, self.analytics().engine, filters), None

    # -- routes ----------------------------------------------------------
    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("agent_console", __name__)

        @bp.exception(SQLAlchemyError)
        async def store_down(request: Request, error: Exception) -> HTTPResponse:
            logger.error("agent console: the accounts database failed: %s", type(error).__name__)
            if request.method == "GET" and request.path.rstrip("/") == "/agent":
                return self.login_page("Sign-in is not available right now. Try again in a minute.", 503)
            return json({"error": "sign-in is not available right now"}, 503)

        @bp.get("/")
        async def page(request: Request) -> HTTPResponse:
            if self.current(request):
                return static_file("agent", "console.html")
            return self.login_page(self.problem(), 200)

        for asset in ASSETS:
            bp.add_route(_asset_handler(asset), f"/{asset}", methods=["GET"], name=asset.replace(".", "_"))

        @bp.post("/login")
        async def login(request: Request) -> HTTPResponse:
            if not self.same_origin(request):
                return self.login_page("Sign-in must come from this page.", 403)
            problem = self.problem()
            if problem:
                return self.login_page(problem, 503)
            username = request.form.get("username", "")[:64]
            status, token, wait = await self.sign_in(username, request.form.get("password", ""), self.client(request))
            if status == 429:
                minutes = max(1, round((wait or 0) / 60))
                resp = self.login_page(f"Too many tries. Wait {minutes} minute(s) and try again.", 429)
                resp.headers["Retry-After"] = str(wait)
                return resp
            if token is None:
                return self.login_page("Wrong user name or password.", 401)
            resp = secure(response.redirect("/agent/", status=303))
            self.set_cookie(resp, token, SESSION_SECONDS)
            return resp

        @bp.get("/session")
        async def session(request: Request) -> HTTPResponse:
            current = self.current(request)
            if not current:
                return json({"error": "not signed in"}, 401)
            return json({"user": current.username, "role": current.role, "csrf": current.csrf})

        @bp.post("/logout")
        async def logout(request: Request) -> HTTPResponse:
            current = self.current(request)
            if not current or not self.csrf_ok(request, current):
                return json({"error": "not signed in"}, 401)
            self.store.end_session(request.cookies.get(COOKIE, ""))
            self.store.audit(current.username, "sign_out")
            resp = json({"ok": True})
            self.set_cookie(resp, "", 0)
            return resp

        @bp.post("/message")
        async def message(request: Request) -> HTTPResponse:
            current, refused = self.signed_in_post(request)
            if refused is not None or current is None:
                return refused or json({"error": "not signed in"}, 401)
            body = request.json if isinstance(request.json, dict) else {}
            call_id, text = body.get("call_id"), body.get("message")
            if not isinstance(call_id, str) or not CALL_ID.fullmatch(call_id):
                return json({"error": "a call id is 4 to 64 letters, digits, - or _"}, 400)
            if self.store.first_call(request.cookies.get(COOKIE, ""), call_id):
                self.store.audit(current.username, "call", call_id)
            return await answer_message(on_new_message, text, f"agent-{call_id}", AgentOutput(), self.name(), for_call)

        @bp.get("/call/<call_id:str>")
        async def call(request: Request, call_id: str) -> HTTPResponse:
            if not self.current(request):
                return json({"error": "not signed in"}, 401)
            if not CALL_ID.fullmatch(call_id):
                return json({"error": "a call id is 4 to 64 letters, digits, - or _"}, 400)
            agent = getattr(request.app.ctx, "agent", None)
            if agent is None or agent.tracker_store is None:
                return json({"error": "the assistant is not ready"}, 503)
            tracker = await agent.tracker_store.retrieve(f"agent-{call_id}")
            return json(self.call_state(call_id, tracker))

        @bp.post("/call/<call_id:str>/notes")
        async def notes(request: Request, call_id: str) -> HTTPResponse:
            current, refused = self.signed_in_post(request)
            if refused is not None or current is None:
                return refused or json({"error": "not signed in"}, 401)
            if not CALL_ID.fullmatch(call_id):
                return json({"error": "a call id is 4 to 64 letters, digits, - or _"}, 400)
            body = request.json if isinstance(request.json, dict) else {}
            outcome, text = body.get("outcome") or "", body.get("notes") or ""
            if not isinstance(outcome, str) or (outcome and outcome not in OUTCOMES):
                return json({"error": f"the outcome is one of: {', '.join(OUTCOMES)}"}, 400)
            if not isinstance(text, str) or len(text) > MAX_NOTES:
                return json({"error": f"notes are at most {MAX_NOTES} characters"}, 400)
            saved = self.store.save_call_notes(call_id, current.username, outcome, text)
            return json(notes_json(saved))

        @bp.get("/dashboard")
        async def dashboard(request: Request) -> HTTPResponse:
            found, refused = await self.dashboard_figures(request)
            if found is None:
                return refused or json({"error": "not signed in"}, 401)
            session = self.current(request)
            everyone = await asyncio.to_thread(
                recent_figures, self.analytics().engine, replace(found.filters, channel=None, language=None)
            )
            html = render_dashboard(found, list(everyone.by_language), session.username if session else "")
            return secure(response.html(html))

        @bp.get("/dashboard.csv")
        async def dashboard_csv(request: Request) -> HTTPResponse:
            found, refused = await self.dashboard_figures(request)
            if found is None:
                return refused or json({"error": "not signed in"}, 401)
            name = f"dashboard-{found.filters.start}-{found.filters.end}.csv"
            resp = secure(response.text(found.csv(), content_type="text/csv; charset=utf-8"))
            resp.headers["Content-Disposition"] = f'attachment; filename="{name}"'
            return resp

        @bp.get("/dashboard/chart/<name:str>")
        async def dashboard_chart(request: Request, name: str) -> HTTPResponse:
            found, refused = await self.dashboard_figures(request)
            if found is None:
                return refused or json({"error": "not signed in"}, 401)
            chart = name[: -len(".svg")] if name.endswith(".svg") else ""
            if chart not in charts.CHARTS:
                return json({"error": "no such chart"}, 404)
            body = await asyncio.to_thread(charts.svg, found, chart)
            resp = secure(response.raw(body, content_type="image/svg+xml"))
            resp.headers["Content-Security-Policy"] = CHART_CSP
            return resp

        @bp.get("/script")
        async def guided_script(request: Request) -> HTTPResponse:
            if not self.current(request):
                return secure(response.redirect("/agent/", status=303))
            language = request.args.get("language", DEFAULT)
            if language not in LANGUAGES:
                return json({"error": f"language is one of: {', '.join(LANGUAGES)}"}, 400)
            page, csp = await asyncio.to_thread(guided_script_page, language, dt.date.today())
            resp = secure(response.html(page))
            resp.headers["Content-Security-Policy"] = csp
            return resp

        @bp.get("/directory")
        async def numbers(request: Request) -> HTTPResponse:
            if not self.current(request):
                return json({"error": "not signed in"}, 401)
            return json({"departments": directory(load_content())})

        handoff_routes.add_console_routes(bp, self)  # chats and texts handed to a person (docs/handoff.md)
        return bp


def notes_json(notes: Optional[CallNotes]) -> Dict[str, Any]:
    """A call's notes for the console (masked text; empty when none were saved)."""
    if notes is None:
        return {"outcome": "", "notes": "", "agent": None, "updated": None}
    return {"outcome": notes.outcome, "notes": notes.notes, "agent": notes.username, "updated": notes.updated}


def _asset_handler(name: str):
    async def handler(_: Request) -> HTTPResponse:
        return static_file("agent", name)

    return handler
