"""Manage the agent console's accounts and read its audit log.

    python -m scripts.agents add NAME [--role supervisor] [--password-stdin | --generate]
    python -m scripts.agents reset NAME [--password-stdin | --generate]
    python -m scripts.agents disable NAME          # ends the agent's sessions at once
    python -m scripts.agents enable NAME
    python -m scripts.agents list                  # never prints password hashes
    python -m scripts.agents audit [--since 2026-11-01]
    make agents ARGS="add ana"

A new password is asked for twice when this runs in a terminal; ``--password-stdin``
reads one line from standard input (scripts); otherwise, or with ``--generate``, a
strong password is made and printed once. Reads the database settings
(``AGENT_DB``, or ``TRACKER_STORE=postgres`` and ``POSTGRES_*``) from .env like
the servers do, so it changes the accounts the running servers use.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import IO, Dict, List, Optional

from dotenv import dotenv_values

from accounts import passwords
from accounts.store import ROLES, AccountError, AgentStore

ROOT = Path(__file__).resolve().parent.parent


def settings(env_file: Path) -> Dict[str, str]:
    """.env, with the shell winning for its settings; no .env (a container): the environment."""
    env = {k: v for k, v in dotenv_values(env_file).items() if v is not None}
    env.update({k: v for k, v in os.environ.items() if k in env or not env_file.exists()})
    return env


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m scripts.agents", description=__doc__.splitlines()[0])
    top.add_argument("--env-file", type=Path, default=ROOT / ".env")
    commands = top.add_subparsers(dest="command", required=True)
    for name, text in (("add", "add an account"), ("reset", "give an account a new password (ends its sessions)")):
        command = commands.add_parser(name, help=text)
        command.add_argument("name")
        source = command.add_mutually_exclusive_group()
        source.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
        source.add_argument("--generate", action="store_true", help="make a strong password and print it once")
        if name == "add":
            command.add_argument("--role", choices=ROLES, default="agent")
    commands.add_parser("disable", help="disable an account (ends its sessions)").add_argument("name")
    commands.add_parser("enable", help="enable a disabled account").add_argument("name")
    commands.add_parser("list", help="the accounts (no password hashes)")
    audit = commands.add_parser("audit", help="the audit log")
    audit.add_argument("--since", help="a date or date and time (ISO, local time), e.g. 2026-11-01")
    return top


def new_password(args: argparse.Namespace, stdin: IO[str], out: IO[str]) -> Optional[str]:
    """The new password from standard input, the terminal (asked twice) or made here and shown once."""
    if args.password_stdin:
        return stdin.readline().rstrip("\r\n")
    if not args.generate and stdin.isatty():
        first = getpass.getpass("New password: ")
        if first != getpass.getpass("Again: "):
            print("The two passwords differ; nothing changed.", file=sys.stderr)
            return None
        return first
    made = passwords.generate()
    print(f"Password for {args.name} (shown once, give it to them in person): {made}", file=out)
    return made


def when(at: float) -> str:
    return datetime.fromtimestamp(at).astimezone().isoformat(timespec="seconds")


def since(text: Optional[str]) -> Optional[float]:
    if not text:
        return None
    moment = datetime.fromisoformat(text)
    return (moment if moment.tzinfo else moment.astimezone()).timestamp()


def list_accounts(store: AgentStore, out: IO[str]) -> None:
    rows: List[List[str]] = [["user", "role", "state", "sessions", "created", "changed"]]
    for account in store.accounts():
        state = "disabled" if account.disabled else "enabled"
        sessions = str(store.session_count(account.username))
        rows.append([account.username, account.role, state, sessions, when(account.created), when(account.changed)])
    print_table(rows, out)
    if len(rows) == 1:
        print("No accounts yet: python -m scripts.agents add NAME", file=out)


def print_audit(store: AgentStore, start: Optional[float], out: IO[str]) -> None:
    rows = [["time", "user", "event", "detail"]]
    rows += [[when(r.at), r.username, r.event, r.detail or ""] for r in store.audit_rows(start)]
    print_table(rows, out)


def print_table(rows: List[List[str]], out: IO[str]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip(), file=out)


def actor() -> str:
    try:
        return f"{getpass.getuser()} (scripts.agents)"
    except (KeyError, OSError):
        return "scripts.agents"


def run(args: argparse.Namespace, store: AgentStore, stdin: IO[str], out: IO[str]) -> int:
    if args.command == "list":
        list_accounts(store, out)
    elif args.command == "audit":
        print_audit(store, args.start, out)
    elif args.command in ("disable", "enable"):
        store.set_disabled(args.name, args.command == "disable", actor=actor())
        print(
            f"{args.name}: {args.command}d" + (" (their sessions have ended)" if args.command == "disable" else ""),
            file=out,
        )
    else:
        password = new_password(args, stdin, out)
        if password is None:
            return 1
        if args.command == "add":
            store.add(args.name, password, role=args.role, actor=actor())
            print(f"{args.name}: added ({args.role})", file=out)
        else:
            store.reset(args.name, password, actor=actor())
            print(f"{args.name}: new password set (their sessions have ended)", file=out)
    return 0


def main(argv: Optional[List[str]] = None, stdin: Optional[IO[str]] = None, out: Optional[IO[str]] = None) -> int:
    args = parser().parse_args(argv)
    try:
        args.start = since(getattr(args, "since", None))
    except ValueError:
        print(f"--since: not a date: {args.since}", file=sys.stderr)
        return 2
    store = AgentStore.from_env(settings(args.env_file))
    try:
        return run(args, store, stdin or sys.stdin, out or sys.stdout)
    except AccountError as refused:
        print(f"Refused: {refused}", file=sys.stderr)
        return 2
    finally:
        store.dispose()


if __name__ == "__main__":
    sys.exit(main())
