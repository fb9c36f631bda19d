"""Start the action server and the Rasa server together (used by `make run` and the end-to-end test).

Reads `.env` with python-dotenv, starts both servers, waits until they answer,
prints where to talk to the assistant, and stops both on Ctrl-C (SIGINT) or
SIGTERM. If either server dies, the other is stopped too and the exit code is
non-zero.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Dict, List, Optional

from dotenv import dotenv_values

from servers import settings_check

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def settings(env_file: Path) -> Dict[str, str]:
    values = {k: v for k, v in dotenv_values(env_file).items() if v is not None}
    values.update({k: v for k, v in os.environ.items() if k in values})  # the shell wins
    return values


def wait_until_up(url: str, procs: List[subprocess.Popen], timeout: float, log: Optional[Path] = None) -> None:
    """Wait until ``url`` answers 200 while every process in ``procs`` runs.
    ``log``: a server log whose end goes into the error (servers not writing to
    this terminal)."""
    tail = (lambda: f":\n{log.read_text()[-3000:]}") if log else (lambda: " (see its log above)")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs):
            raise RuntimeError(f"a server exited during start-up before {url} answered{tail()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s{tail() if log else ''}")


def stop(procs: List[subprocess.Popen]) -> None:
    for proc in procs:
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    deadline = time.monotonic() + 15
    for proc in procs:
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def sms_warnings(env: Dict[str, str]) -> List[str]:
    """Problems with the SMS channel's settings (channels/sms_config.py), e.g. the signature check off."""
    from channels.sms_config import SmsSettings

    return SmsSettings.from_env(env).problems()


def warn_loudly(problems: List[str]) -> None:
    if problems:
        bar = "!" * 78
        lines = "\n".join(f"  WARNING: {p}" for p in problems)
        print(f"\n{bar}\n  SMS CHANNEL\n{lines}\n{bar}\n", file=sys.stderr, flush=True)


def start_problems(config: Dict[str, str]) -> List[str]:
    """Why the servers must not start: a secret that is empty, an example or too
    short while ENV=production or listening beyond loopback (servers/settings_check.py)."""
    return settings_check.problems(config, bind_address(config))


def bind_address(config: Dict[str, str]) -> str:
    return (config.get("BIND_ADDRESS") or "127.0.0.1").strip()


def private_storage(tracker_db: Path) -> None:
    """The tracker database's folder readable by this user only (0700), the file 0600."""
    tracker_db.parent.mkdir(parents=True, exist_ok=True)
    if tracker_db.parent != ROOT:
        os.chmod(tracker_db.parent, 0o700)
    if tracker_db.exists():
        os.chmod(tracker_db, 0o600)


def cors_args(config: Dict[str, str]) -> List[str]:
    """``--cors`` for each origin in CORS_ORIGINS (spaces or commas between); none: no CORS header at all."""
    origins = [o for o in re.split(r"[\s,]+", config.get("CORS_ORIGINS") or "") if o]
    return ["--cors", *origins] if origins else []


# Storage chosen by .env alone (TRACKER_STORE, LOCK_STORE): which endpoints file Rasa reads.
ENDPOINTS_FILES = {
    ("sqlite", "memory"): "endpoints.yml",
    ("postgres", "memory"): "deploy/endpoints.postgres.yml",
    ("postgres", "redis"): "deploy/endpoints.postgres-redis.yml",
}
STORE_SETTINGS = {
    "postgres": ["POSTGRES_HOST", "POSTGRES_PORT", "POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD"],
    "redis": ["REDIS_HOST", "REDIS_PORT", "REDIS_PASSWORD"],
}


def endpoints_file(config: Dict[str, str]) -> str:
    """The endpoints file for TRACKER_STORE (sqlite|postgres) and LOCK_STORE (memory|redis)."""
    tracker = (config.get("TRACKER_STORE") or "sqlite").strip().lower()
    lock = (config.get("LOCK_STORE") or "memory").strip().lower()
    if (tracker, lock) not in ENDPOINTS_FILES:
        raise ValueError(
            f"TRACKER_STORE={tracker} with LOCK_STORE={lock} is not a known setup; use one of: "
            + ", ".join(f"{t}+{k}" for t, k in ENDPOINTS_FILES)
        )
    missing = [
        name
        for store in (tracker, lock)
        for name in STORE_SETTINGS.get(store, [])
        if name not in config and name not in os.environ
    ]
    if missing:
        raise ValueError(f"TRACKER_STORE={tracker} / LOCK_STORE={lock} need these in .env: {', '.join(missing)}")
    return ENDPOINTS_FILES[(tracker, lock)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env-file", type=Path, default=ROOT / ".env")
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "current.tar.gz")
    parser.add_argument("--startup-timeout", type=float, default=180)
    args = parser.parse_args()

    config = settings(args.env_file)
    refused = start_problems(config)
    if refused:
        print(
            "Refusing to start (ENV=production or not on loopback):\n" + "\n".join(f"  - {p}" for p in refused),
            file=sys.stderr,
            flush=True,
        )
        return 2
    for problem in settings_check.loopback_warnings(config):
        print(f"  note (development, this machine only): {problem}", file=sys.stderr, flush=True)
    try:
        endpoints = endpoints_file(config)
    except ValueError as problem:
        print(f"Storage settings: {problem}", file=sys.stderr, flush=True)
        return 2
    for name in ("ACTION_SERVER_TOKEN", "RASA_AUTH_TOKEN"):  # development on loopback: a fresh one per run
        if not (config.get(name) or "").strip():
            config[name] = secrets.token_hex(32)
    env = {
        **os.environ,
        **config,
        "ACTION_ENDPOINT_URL": f"http://localhost:{config['ACTION_PORT']}/webhook",
        "RASA_TELEMETRY_ENABLED": "false",
        "PYTHONPATH": str(ROOT),
    }
    tracker_db = Path(config["TRACKER_DB"])
    os.umask(0o077)  # files the servers create (tracker database, logs) are the service user's alone
    private_storage(ROOT / tracker_db if not tracker_db.is_absolute() else tracker_db)
    rasa_port, action_port = config["RASA_PORT"], config["ACTION_PORT"]
    log_level = config.get("LOG_LEVEL", "INFO").upper()
    quiet = ["--quiet"] if log_level in {"WARNING", "ERROR"} else []

    commands = [
        [str(BIN / "python"), "-m", "servers.action_server", "--actions", "actions", "--port", action_port] + quiet,
        [
            str(BIN / "python"),
            "-m",
            "servers.rasa_server",
            "run",
            "--model",
            str(args.model),
            "--port",
            rasa_port,
            "--interface",
            bind_address(config),
            "--enable-api",  # its token comes from RASA_AUTH_TOKEN in the environment, never the command line
            "--credentials",
            "credentials.yml",
            "--endpoints",
            endpoints,
        ]
        + cors_args(config)
        + quiet,
    ]
    sms_problems = sms_warnings(env)
    warn_loudly(sms_problems)
    procs = [subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True) for cmd in commands]

    stopping = {"flag": False}

    def on_signal(signum, _frame):
        stopping["flag"] = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        wait_until_up(f"http://localhost:{action_port}/health", procs, args.startup_timeout)
        wait_until_up(f"http://localhost:{rasa_port}/", procs, args.startup_timeout)
    except (RuntimeError, TimeoutError) as error:
        print(f"start-up failed: {error}", file=sys.stderr, flush=True)
        stop(procs)
        return 1

    print(
        "\nThe assistant is running.\n"
        f"  Talk to it:   POST http://localhost:{rasa_port}/webhooks/rest/webhook  "
        '{"sender": "me", "message": "my lawyer needs my records"}\n'
        f"  Chat widget:  http://localhost:{rasa_port}/chat/\n"
        f"  Agent console: http://localhost:{rasa_port}/agent/  (first account: AGENT_USERNAME / AGENT_PASSWORD in .env; more: make agents)\n"
        f"  HTTP API:     http://localhost:{rasa_port}/conversations/<sender>/tracker?token=<RASA_AUTH_TOKEN from .env>\n"
        f"  Actions:      http://localhost:{action_port}/health\n"
        f"  SMS webhook:  POST http://localhost:{rasa_port}/webhooks/sms/webhook  (Twilio form fields, signed)\n"
        "  Stop:         Ctrl-C\n",
        flush=True,
    )
    warn_loudly(sms_problems)  # again, after the servers' own start-up logs
    code = 0
    while not stopping["flag"]:
        if any(p.poll() is not None for p in procs):
            print("a server stopped unexpectedly; stopping the other one", file=sys.stderr, flush=True)
            code = 1
            break
        time.sleep(0.5)
    stop(procs)
    print("Both servers stopped.", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
