"""Which secrets a server may start with. Plain Python, no Rasa.

A server listening on loopback only (127.0.0.1, the default) in development
may run with whatever `.env` holds: nobody else can reach it. As soon as it
listens on another address, or `ENV=production`, every secret it relies on
must be set, long enough and not an example value; otherwise it refuses to
start and says which ones are wrong (never their values).

`make run` writes `.env` with fresh random secrets (scripts/make_env.py), so a
new clone never runs with a value that is printed in the repository.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import List, Mapping, Tuple

MIN_LENGTH = 16  # characters; the generated ones have 43
TWILIO_TOKEN_LENGTH = 32  # Twilio auth tokens are 32 hex characters

# Words that mark a value as an example rather than a secret.
_EXAMPLE = re.compile(r"change-?me|example|placeholder|secret|password|token|test|local|dummy|xxx", re.I)


@dataclass(frozen=True)
class Secret:
    name: str
    min_length: int = MIN_LENGTH
    only_when: Tuple[str, str] = ("", "")  # (setting, value): needed only when that setting has that value


SECRETS: List[Secret] = [
    Secret("RASA_AUTH_TOKEN"),
    Secret("ACTION_SERVER_TOKEN"),
    Secret("REST_TOKEN"),
    Secret("SMS_SENDER_KEY", only_when=("SMS_ENABLED", "true")),
    Secret("TWILIO_AUTH_TOKEN", TWILIO_TOKEN_LENGTH, only_when=("SMS_ENABLED", "true")),
    Secret("POSTGRES_PASSWORD", only_when=("TRACKER_STORE", "postgres")),
]
DEFAULTS = {"SMS_ENABLED": "true", "TRACKER_STORE": "sqlite"}


def production(config: Mapping[str, str]) -> bool:
    return (config.get("ENV") or "").strip().lower() == "production"


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and "localhost"; False for 0.0.0.0, :: and any other address."""
    host = (host or "").strip().strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def example_value(value: str) -> bool:
    return bool(_EXAMPLE.search(value))


def needed(secret: Secret, config: Mapping[str, str]) -> bool:
    setting, value = secret.only_when
    if not setting:
        return True
    return (config.get(setting) or DEFAULTS.get(setting, "")).strip().lower() == value


def problems(config: Mapping[str, str], host: str) -> List[str]:
    """Why a server bound to ``host`` must not start with these settings (empty: it may).

    Checked only in production or off loopback. Names the setting and what is
    wrong with it, never its value."""
    if not production(config) and is_loopback(host):
        return []
    why = "ENV=production" if production(config) else f"listening on {host}"
    found = []
    for secret in SECRETS:
        if not needed(secret, config):
            continue
        value = (config.get(secret.name) or "").strip()
        if not value:
            found.append(f"{secret.name} is empty ({why} needs it)")
        elif example_value(value):
            found.append(f"{secret.name} is an example value, not a secret ({why})")
        elif len(value) < secret.min_length:
            found.append(f"{secret.name} is shorter than {secret.min_length} characters ({why})")
    return found


def loopback_warnings(config: Mapping[str, str]) -> List[str]:
    """Development on loopback: secrets that would be refused elsewhere (a warning, not a refusal)."""
    shown = {**config, "ENV": "production"}
    return [p.replace("(ENV=production)", "(refused in production)") for p in problems(shown, "127.0.0.1")]
