"""Write `.env` from `.env.example` with fresh random secrets (standard library only).

    python -m scripts.make_env            # `make run` / `make test` call it when .env is missing
    python -m scripts.make_env --fill     # an existing .env: fill secrets that are empty or examples

Each secret in GENERATED that is empty (or an example value, with ``--fill``)
gets ``secrets.token_hex(32)``: 256 random bits, hex so that it never looks like
an example word (the agent's first password: 80 bits, 20 characters to type). The file is written readable by its owner only (0600). The
agent console's password is printed once, here, so the person who ran
`make run` knows how to sign in; it is not printed again.

Secrets that come from someone else (TWILIO_AUTH_TOKEN) and the REST webhook's
token (optional in development) are left as they are.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import sys
from pathlib import Path
from typing import Dict, List, Tuple

ROOT = Path(__file__).resolve().parent.parent
GENERATED = (
    "RASA_AUTH_TOKEN",
    "ACTION_SERVER_TOKEN",
    "AGENT_PASSWORD",
    "SMS_SENDER_KEY",
    "POSTGRES_PASSWORD",
    "LOG_ID_KEY",
    "HANDOFF_PHONE_KEY",
)
_LINE = re.compile(r"^(?P<name>[A-Z][A-Z0-9_]*)=(?P<value>.*)$")
_EXAMPLE = re.compile(r"change-?me|example", re.I)


def fill(text: str, replace_examples: bool) -> Tuple[str, List[str]]:
    """The .env text with GENERATED secrets filled; and the names filled."""
    lines, filled = [], []
    for line in text.splitlines():
        match = _LINE.match(line)
        if match and match["name"] in GENERATED:
            value = match["value"].strip().strip("\"'")
            if not value or (replace_examples and _EXAMPLE.search(value)):
                size = 10 if match["name"] == "AGENT_PASSWORD" else 32  # a person types that one: 20 characters
                line = f"{match['name']}={secrets.token_hex(size)}"
                filled.append(match["name"])
        lines.append(line)
    return "\n".join(lines) + "\n", filled


def values(text: str) -> Dict[str, str]:
    return {m["name"]: m["value"] for m in map(_LINE.match, text.splitlines()) if m}


def write_private(path: Path, text: str) -> None:
    """Write ``text`` so that only the owner can read it, even for a moment."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(text)
    os.chmod(path, 0o600)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env-file", type=Path, default=ROOT / ".env")
    parser.add_argument("--example", type=Path, default=ROOT / ".env.example")
    parser.add_argument("--fill", action="store_true", help="fill an existing .env's empty or example secrets")
    args = parser.parse_args(argv)

    if args.env_file.exists() and not args.fill:
        print(f"{args.env_file} exists; nothing written (use --fill to fill its empty secrets)")
        return 0
    source = args.env_file if args.fill and args.env_file.exists() else args.example
    text, filled = fill(source.read_text(), replace_examples=args.fill)
    write_private(args.env_file, text)
    print(f"Wrote {args.env_file} (owner-only) with fresh random values for: {', '.join(filled) or 'nothing'}")
    if "AGENT_PASSWORD" in filled:
        user = values(text).get("AGENT_USERNAME") or "agent"
        print(
            "Agent console (/agent/): sign in as "
            f"'{user}' with password {values(text)['AGENT_PASSWORD']}\n"
            "  (shown once; it is in .env as AGENT_PASSWORD. `make agents` adds individual accounts.)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
