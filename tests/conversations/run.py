"""Play the conversation test set against the assistant and print the figures.

    python -m tests.conversations.run                 # starts servers like `make run`
    python -m tests.conversations.run --failures      # and lists the open part's misses
    python -m tests.conversations.run --base http://localhost:5005 --token TOKEN

The blind part's totals are printed; its conversations and misses never are.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import tempfile
from pathlib import Path

from tests.conversations import harness


@contextlib.contextmanager
def assistant(base: str | None, token: str):
    if base:
        yield base
        return
    from tests.servers.serving import serving

    with tempfile.TemporaryDirectory(prefix="conversations-") as tmp:
        with serving(Path(tmp), {"RASA_AUTH_TOKEN": token, "ANSWER_TIMEOUT_SECONDS": 30}) as running:
            yield running["base"]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default=None, help="a running Rasa server (default: start one)")
    parser.add_argument("--token", default="conversations-token")
    parser.add_argument("--failures", action="store_true", help="list the open part's misses")
    parser.add_argument("--only", default=None, help="only conversations whose id starts with this")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    args = parser.parse_args(argv)
    with assistant(args.base, args.token) as base:
        client = harness.Client(base, args.token)
        open_part = [c for c in harness.load() if not args.only or c["id"].startswith(args.only)]
        results = harness.play_all(client, open_part)
        tables = {}
        for language in ("en", "es"):
            mine = [r for r in results if r.conversation["language"] == language]
            if mine:
                tables[f"open {language}"] = harness.figures(mine)
        if not args.only:
            for language in ("en", "es"):
                blind = harness.load(blind=True, language=language)
                if blind:
                    tables[f"blind {language}"] = harness.figures(harness.play_all(client, blind))
    if args.failures:
        print("\n".join(harness.failures(results)))
    for name, table in tables.items():
        print("\n".join(harness.report(f"{name} part", table)))
    if args.json:
        args.json.write_text(json.dumps(tables, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
