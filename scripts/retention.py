"""Delete conversations older than RETENTION_DAYS (or --days) from the tracker store.

    python -m scripts.retention            # uses RETENTION_DAYS from .env
    python -m scripts.retention --days 30
    make retention

Run it daily (cron, a Kubernetes CronJob). Reads the tracker store settings
(TRACKER_STORE, TRACKER_DB or POSTGRES_*) from .env like the servers do. The agent
console's call notes (accounts database) not changed for as long go too.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from dotenv import dotenv_values

from accounts.store import AgentStore
from privacy.retention import database_url, delete_older_than

ROOT = Path(__file__).resolve().parent.parent


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env-file", type=Path, default=ROOT / ".env")
    parser.add_argument("--days", type=float, help="default: RETENTION_DAYS from .env")
    args = parser.parse_args(argv)
    env = {k: v for k, v in dotenv_values(args.env_file).items() if v is not None}
    # the shell wins for the file's settings, as in serve.py; no .env (a container): the environment
    env.update({k: v for k, v in os.environ.items() if k in env or not args.env_file.exists()})
    days = args.days if args.days is not None else float(env.get("RETENTION_DAYS") or 0)
    if days <= 0:
        print("No retention period: set RETENTION_DAYS in .env or pass --days N.", file=sys.stderr)
        return 2
    url = database_url(env)
    if url.startswith("sqlite:///") and not Path(url[len("sqlite:///") :]).is_absolute():
        url = f"sqlite:///{ROOT / url[len('sqlite:///') :]}"
    deleted = delete_older_than(url, days)
    print(f"Deleted {deleted} conversation(s) idle for more than {days:g} days.")
    notes = AgentStore.from_env(env).delete_call_notes_older_than(days)
    print(f"Deleted the notes of {notes} call(s) not changed for more than {days:g} days.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
