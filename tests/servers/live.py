"""Real servers for the production tests: a Rasa server, an action server and a
fault-injecting HTTP proxy between them (down / slow / pass), on free ports.

The Rasa server is started with the same command line as servers/serve.py.
"""

from __future__ import annotations

import http.server
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Dict, List, Optional

from servers.local_services import free_port  # noqa: F401 (the tests import it from here too)
from servers.serve import wait_until_up

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "current.tar.gz"
BIN = Path(sys.executable).parent


def stop(proc: Optional[subprocess.Popen], sig=signal.SIGTERM) -> None:
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


class FaultProxy:
    """Forwards POSTs to the action server; ``mode`` = "pass", "down" (connection
    dropped, like a stopped server) or "slow" (waits ``delay`` seconds first)."""

    def __init__(self, target_port: int) -> None:
        self.target = f"http://127.0.0.1:{target_port}"
        self.mode = "pass"
        self.delay = 10.0
        self.calls = 0
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _forward(self, method: str) -> None:
                proxy.calls += 1
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)) if method == "POST" else None
                if proxy.mode == "down":
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if proxy.mode == "slow":
                    time.sleep(proxy.delay)
                request = urllib.request.Request(
                    proxy.target + self.path,
                    data=body,
                    method=method,
                    headers={"Content-Type": self.headers.get("Content-Type", "application/json")},
                )
                try:
                    with urllib.request.urlopen(request, timeout=30) as response:
                        status, data = response.status, response.read()
                except urllib.error.HTTPError as error:
                    status, data = error.code, error.read()
                except OSError:
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                self._forward("POST")

            def do_GET(self):
                self._forward("GET")

        self.port = free_port()
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Stack:
    """Action server + fault proxy + Rasa server, each writing its own log file."""

    def __init__(
        self,
        tmp: Path,
        env_extra: Dict[str, str] = None,
        rasa_args: List[str] = (),
        endpoints: Path = ROOT / "endpoints.yml",
        token: str = "prod-test-token",
        action_token: str = "prod-test-action-token",
    ) -> None:
        self.tmp = tmp
        self.token = token
        self.action_token = action_token
        self.rasa_port, self.action_port = free_port(), free_port()
        self.base = f"http://127.0.0.1:{self.rasa_port}"
        self.db = tmp / "tracker.db"
        self.endpoints = endpoints
        self.rasa_args = list(rasa_args)
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("RASA_PORT", "ACTION_", "TRACKER_"))},
            "RASA_TELEMETRY_ENABLED": "false",
            "PYTHONPATH": str(ROOT),
            "TRACKER_DB": str(self.db),
            "ACTION_SERVER_TOKEN": action_token,
            "RASA_AUTH_TOKEN": token,
            "SMS_VERIFY_SIGNATURE": "false",
            "SMS_SENDER_KEY": "prod-tests-sender-key-0123456789",
            **(env_extra or {}),
        }
        self.proxy = FaultProxy(self.action_port)
        self.env["ACTION_ENDPOINT_URL"] = f"http://127.0.0.1:{self.proxy.port}/webhook"
        self.actions: Optional[subprocess.Popen] = None
        self.rasa: Optional[subprocess.Popen] = None
        self.logs: List[Path] = []

    def _start(self, name: str, cmd: List[str]) -> subprocess.Popen:
        log = self.tmp / f"{name}.log"
        self.logs.append(log)
        handle = open(log, "a")
        return subprocess.Popen(
            cmd, cwd=ROOT, env=self.env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )

    def start_actions(self) -> None:
        self.actions = self._start(
            "actions", [sys.executable, "-m", "servers.action_server", "--port", str(self.action_port)]
        )
        wait_until_up(f"http://127.0.0.1:{self.action_port}/health", [self.actions], 240, self.tmp / "actions.log")

    def start_rasa(self) -> None:
        self.rasa = self._start(
            "rasa",
            [
                str(BIN / "python"),
                "-m",
                "servers.rasa_server",
                "run",
                "--model",
                str(MODEL),
                "--port",
                str(self.rasa_port),
                "--enable-api",
                "--credentials",
                "credentials.yml",
                "--endpoints",
                str(self.endpoints),
                *self.rasa_args,
            ],
        )
        wait_until_up(f"{self.base}/", [self.rasa], 240, self.tmp / "rasa.log")

    def start(self) -> "Stack":
        self.start_actions()
        self.start_rasa()
        return self

    def close(self) -> None:
        stop(self.rasa)
        stop(self.actions)
        self.proxy.close()

    # -- talking ---------------------------------------------------------------
    def post(self, path: str, data: bytes, content_type: str = "application/json", timeout: float = 60):
        """(status, body bytes, seconds) of a POST; HTTP errors are returned, not raised."""
        request = urllib.request.Request(
            self.base + path, data=data, method="POST", headers={"Content-Type": content_type}
        )
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, response.read(), time.monotonic() - started
        except urllib.error.HTTPError as error:
            return error.code, error.read(), time.monotonic() - started

    def say(self, sender: str, message: str):
        status, body, seconds = self.post(
            "/webhooks/rest/webhook", json.dumps({"sender": sender, "message": message}).encode()
        )
        return status, json.loads(body), seconds

    def tracker(self, sender: str) -> dict:
        url = f"{self.base}/conversations/{sender}/tracker?token={self.token}"
        with urllib.request.urlopen(url, timeout=30) as response:
            return json.loads(response.read())

    def alive(self) -> bool:
        status, replies, _ = self.say("prod-alive-check", "I need my x-rays")
        return status == 200 and bool(replies)


def text(replies) -> str:
    return "\n".join(r.get("text") or "" for r in replies)
