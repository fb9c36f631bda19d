"""Which channel a conversation id belongs to. Plain Python, no Rasa.

The sender id is the key of a conversation in the tracker store: whoever can
send a message with an id continues that conversation, with its context. It is
an opaque handle, not a credential of a person and never an identifier of one
(docs/production.md, "What the sender id is"). So each channel owns its ids:

- ``web-``   the widget: ``web-`` and a random UUID (122 random bits) or 32 hex
             characters (128 bits) made in the visitor's browser;
- ``sms-``   SMS: a keyed hash of the phone number (channels/sms_config.py);
- ``agent-`` the agent console: ``agent-`` and the call id the signed-in agent typed;
- anything else: the REST webhook (trusted integrations, with REST_TOKEN in production).

A channel refuses ids owned by another one (400), so the REST webhook cannot
continue a widget visitor's, a texter's or a call's conversation.
"""

from __future__ import annotations

import re
from typing import Optional

PREFIXES = {"web": "web-", "sms": "sms-", "agent": "agent-"}
REST = "rest"

_UUID4 = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
WEB_SENDER = re.compile(rf"web-(?:{_UUID4}|[0-9a-f]{{32}})")


def owner(sender: str) -> str:
    """The channel whose prefix ``sender`` carries (any letter case), else ``rest``."""
    folded = sender.strip().lower()
    for channel, prefix in PREFIXES.items():
        if folded.startswith(prefix):
            return channel
    return REST


def refusal(sender: str, channel: str) -> Optional[str]:
    """Why ``channel`` must not take ``sender`` (None: it may)."""
    found = owner(sender)
    if found != channel:
        return f"this conversation id belongs to the {found} channel"
    if channel == "web" and not WEB_SENDER.fullmatch(sender):
        return "a widget id is web- and a random UUID or 32 hex characters"
    return None
