"""The website chat widget's channel (``web``): serves the widget and talks to Rasa.

Everything is under ``/chat/`` on the Rasa server:

- ``GET /chat/``            a demo page that embeds the widget the way a health
                            system's site would (one script tag and a container):
                            a launcher button in the bottom right corner;
- ``GET /chat/inline``      the same with ``data-mode="inline"``: the chat in the page;
- ``GET /chat/widget.js``, ``/chat/widget.css``  the widget itself;
- ``GET /chat/config``      what the widget shows from the content files: the
                            organization's name, the emergency and crisis numbers,
                            the ROI phone and its hours, the "can't answer" text
                            (so no fact is written into the JavaScript); in
                            English, or with ``?language=es`` in Spanish (the
                            widget asks in its own language);
- ``GET /chat/favicon.svg`` the demo pages' icon. Not ``/favicon.ico``: Rasa mounts
                            each channel's routes under its own prefix and
                            ``rasa run`` owns the app, so a channel cannot add a
                            route at the root; the pages link this one instead;
- ``POST /chat/webhook``    ``{"sender", "message"}`` -> the bot's messages as JSON
                            (like Rasa's REST channel: text, buttons, ``custom``);
- ``POST /chat/handoff/status``, ``/chat/handoff/leave``  talking to a person
                            (``handoff/routes.py``, docs/handoff.md).

The widget uses plain ``fetch`` over this endpoint, so no JavaScript library is
needed. Conversations are reported under channel name ``web``.
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.http import json, static_file
from channels.render import WholeMessages, for_web
from channels.senders import refusal
from handoff import routes as handoff_routes
from triage.content import load_content, load_service_texts
from triage.conversation_content import load_conversation
from triage.language import DEFAULT, LANGUAGES
from triage.render import Renderer

logger = logging.getLogger(__name__)

ASSETS = ("widget.js", "widget.css", "favicon.svg")
# The contact whose number and hours the widget shows in its header and when the
# assistant cannot be reached (content/organization.yml).
ROI_PHONE = "roi_phone"


def widget_config(language: str = "en") -> Dict[str, str]:
    """The facts the widget shows, from the content files (one place to change them)."""
    content = load_content()
    render = Renderer(content, language)
    numbers = load_conversation().numbers
    phone = content.contacts[ROI_PHONE]
    hours = content.hours[phone.hours].text.get(language) if phone.hours else ""
    return {
        "organization": content.organization.name.get(language),
        "emergency": numbers["emergency"].value,
        "crisis": numbers["crisis_line"].value,
        "phone_label": phone.label.get(language),
        "phone": phone.value,
        "hours": hours,
        "unavailable": render.fill(load_service_texts().unavailable),
    }


class WebOutput(WholeMessages):
    @classmethod
    def name(cls) -> Text:
        return "web"


class WebChatInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "web"

    def url_prefix(self) -> Text:
        return "/chat"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("web_chat", __name__)

        @bp.get("/")
        async def page(_: Request) -> HTTPResponse:
            return static_file("widget", "index.html")

        @bp.get("/inline")
        async def inline_page(_: Request) -> HTTPResponse:
            return static_file("widget", "inline.html")

        configs = {language: widget_config(language) for language in LANGUAGES}

        @bp.get("/config")
        async def facts(request: Request) -> HTTPResponse:
            language = request.args.get("language", DEFAULT)
            return json(configs.get(language, configs[DEFAULT]))

        for asset in ASSETS:
            bp.add_route(_asset_handler(asset), f"/{asset}", methods=["GET"], name=asset.replace(".", "_"))

        @bp.post("/webhook")
        async def receive(request: Request) -> HTTPResponse:
            body = request.json if isinstance(request.json, dict) else {}
            sender, text = body.get("sender"), body.get("message")
            if not isinstance(sender, str) or refusal(sender, self.name()):
                return json({"error": "bad sender id: web- and a random UUID (channels/senders.py)"}, 400)
            # the time limit: when the action server is down or slow the widget still gets the contacts;
            # a handoff to a person (docs/handoff.md): silent while a person has it, queued when asked
            return await handoff_routes.web_turn(request, on_new_message, text, sender, WebOutput(), for_web)

        handoff_routes.add_web_routes(bp)

        return bp


def _asset_handler(name: str):
    async def handler(_: Request) -> HTTPResponse:
        return static_file("widget", name)

    return handler
