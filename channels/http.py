"""What the web widget and the agent console channels share: safe static files
and answering one message (checked, masked, with a time limit).

Every page and file they serve carries a Content-Security-Policy that allows
only the page's own origin, so nothing is loaded from another host and no
inline script runs even if some text slipped into the page as HTML.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from sanic import response
from sanic.response import HTTPResponse

from channels import guard

MAX_MESSAGE = 1000  # characters; longer messages are refused, not cut
WEB_DIR = Path(__file__).resolve().parent.parent / "web"

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'self'"
)
SECURITY_HEADERS: Dict[str, str] = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",  # "no-referrer" would make browsers send "Origin: null"
    "X-Frame-Options": "SAMEORIGIN",
    "Cache-Control": "no-store",
}
MIME = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}


def secure(resp: HTTPResponse) -> HTTPResponse:
    resp.headers.update(SECURITY_HEADERS)
    return resp


def static_file(folder: str, name: str, status: int = 200) -> HTTPResponse:
    """One of our own files from ``web/<folder>/`` (names are fixed in code, never from the URL)."""
    path = WEB_DIR / folder / name
    return secure(response.raw(path.read_bytes(), status=status, content_type=MIME[path.suffix]))


def json(body, status: int = 200) -> HTTPResponse:
    return secure(response.json(body, status=status))


async def answer_message(
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
    text: Any,
    sender: str,
    collector: CollectingOutputChannel,
    channel: str,
    render: Callable[[List[Dict[str, Any]]], List[Dict[str, Any]]],
) -> HTTPResponse:
    """One turn: refuse an empty or too long message (400), mask identifiers
    before Rasa stores or logs anything, and answer within the time limit (the
    contacts when the action server is down or slow). ``render`` is the channel's
    own rendering of the reply parts (channels/render.py)."""
    too_long = not isinstance(text, str) or len(text) > MAX_MESSAGE
    text = "" if too_long else guard.prepare(text)
    if not text:
        return json({"error": f"a message is 1 to {MAX_MESSAGE} characters"}, 400)
    outcome = await guard.run_turn(on_new_message, UserMessage(text, collector, sender, input_channel=channel))
    return json(*guard.answer_for(outcome, sender, render(collector.messages)))
