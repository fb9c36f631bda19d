"""Start the assistant the way `make run` does (servers/serve.py), on free ports
with a temporary .env, for tests that talk to real servers."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Dict, Iterator

import pytest

from servers.local_services import free_port

ROOT = Path(__file__).resolve().parents[2]


def post_json(url: str, payload: dict):
    """POST ``payload`` as JSON to a running server; the decoded JSON answer."""
    request = urllib.request.Request(url, json.dumps(payload).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


@contextlib.contextmanager
def serving(tmp: Path, settings: Dict[str, object], timeout: float = 240) -> Iterator[Dict]:
    """serve.py with a .env of the defaults plus ``settings``; yields base URL,
    tracker database, log path and process. Stops it as Ctrl-C does."""
    values = {
        "ENV": "development",
        "RASA_PORT": free_port(),
        "ACTION_PORT": free_port(),
        "TRACKER_DB": tmp / "tracker.db",
        "AGENT_DB": tmp / "agents.db",  # agent console accounts: never the developer's var/agents.db
        "ANALYTICS_DB": tmp / "analytics.db",  # the dashboard's aggregates: never the developer's var/analytics.db
        "LOG_LEVEL": "INFO",
        **settings,
    }
    env_file = tmp / ".env"
    env_file.write_text("".join(f"{key}={value}\n" for key, value in values.items()))
    # serve.py lets the shell win over .env, so the shell must not set what this .env sets
    env = {k: v for k, v in os.environ.items() if k not in values}
    log_path = tmp / "serve.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "servers.serve", "--env-file", str(env_file)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"serve.py exited: {log_path.read_text()[-3000:]}")
            if "The assistant is running." in log_path.read_text():
                break
            time.sleep(1)
        else:
            os.killpg(proc.pid, signal.SIGKILL)
            pytest.fail("servers did not start in time")
        yield {
            "base": f"http://localhost:{values['RASA_PORT']}",
            "db": values["TRACKER_DB"],
            "log": log_path,
            "proc": proc,
        }
        proc.send_signal(signal.SIGINT)  # what Ctrl-C does
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            raise
