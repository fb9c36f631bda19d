"""The website chat widget's channel (``web``): serves the widget and talks to Rasa.

Everything is under ``/chat/`` on the Rasa server:

- ``GET /chat/``            a demo page that embeds the widget the way a health
                            system's site would (one script tag and a container);
- ``GET /chat/widget.js``, ``/chat/widget.css``  the widget itself;
- ``POST /chat/webhook``    ``{"sender", "message"}`` -> the bot's messages as JSON
                            (like Rasa's REST channel: text, buttons, ``custom``).

The widget uses plain ``fetch`` over this endpoint, so no JavaScript library is
needed. Conversations are reported under channel name ``web``.
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.http import answer_message, json, static_file
from channels.render import WholeMessages, for_web
from channels.senders import refusal

logger = logging.getLogger(__name__)

ASSETS = ("widget.js", "widget.css")


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

        for asset in ASSETS:
            bp.add_route(_asset_handler(asset), f"/{asset}", methods=["GET"], name=asset.replace(".", "_"))

        @bp.post("/webhook")
        async def receive(request: Request) -> HTTPResponse:
            body = request.json if isinstance(request.json, dict) else {}
            sender, text = body.get("sender"), body.get("message")
            if not isinstance(sender, str) or refusal(sender, self.name()):
                return json({"error": "bad sender id: web- and a random UUID (channels/senders.py)"}, 400)
            # the time limit: when the action server is down or slow the widget still gets the contacts
            return await answer_message(on_new_message, text, sender, WebOutput(), self.name(), for_web)

        return bp


def _asset_handler(name: str):
    async def handler(_: Request) -> HTTPResponse:
        return static_file("widget", name)

    return handler
