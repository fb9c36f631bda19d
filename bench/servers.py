"""Start and stop the Rasa and action servers the benchmark measures.

Every process is started in its own session and remembered, so `stop_all`
(called on exit, on failure and on SIGINT/SIGTERM) ends exactly the processes
this benchmark started, and nothing else.
"""

from __future__ import annotations

import atexit
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Dict, List, Optional

from servers.local_services import free_port
from servers.serve import wait_until_up

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

_STARTED: List[subprocess.Popen] = []
STARTED_PIDS: List[int] = []  # every process this run started, for the report and the smoke test


def start(cmd: List[str], env: Dict[str, str], log: Path) -> subprocess.Popen:
    handle = open(log, "w")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)
    handle.close()
    _STARTED.append(proc)
    STARTED_PIDS.append(proc.pid)
    return proc


def stop(proc: subprocess.Popen, timeout: float = 20) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()
    if proc in _STARTED:
        _STARTED.remove(proc)


def stop_all() -> None:
    for proc in list(_STARTED):
        stop(proc)


def _on_signal(signum, _frame):
    stop_all()
    raise SystemExit(128 + signum)


def install_cleanup() -> None:
    atexit.register(stop_all)
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)


def _tree(pid: int) -> List[int]:
    """A process and all its descendants (from /proc)."""
    children: Dict[int, List[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def rss_bytes(pid: int) -> int:
    """Resident memory of a process and all its descendants (from /proc)."""
    total = 0
    for current in _tree(pid):
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


def cpu_seconds(pid: int) -> float:
    """User + system CPU time used so far by a process and its descendants (all threads)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for current in _tree(pid):
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


class ActionServer:
    def __init__(self, workdir: Path, env: Dict[str, str]) -> None:
        self.port = free_port()
        self.log = workdir / "action_server.log"
        cmd = [str(BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(self.port)]
        self.proc = start(cmd, env, self.log)
        self.url = f"http://localhost:{self.port}/webhook"

    def wait(self, timeout: float = 180) -> None:
        wait_until_up(f"http://localhost:{self.port}/health", [self.proc], timeout, self.log)

    def cpu(self) -> float:
        return cpu_seconds(self.proc.pid)

    def close(self) -> None:
        stop(self.proc)


class RasaServer:
    """`rasa run` as servers/serve.py starts it (REST channel, HTTP API, SQLite tracker store)."""

    def __init__(self, name: str, model: Path, workdir: Path, env: Dict[str, str], action_url: str) -> None:
        self.port = free_port()
        self.token = f"bench-{name}-token"
        self.log = workdir / f"rasa_{name}.log"
        self.base = f"http://localhost:{self.port}"
        server_env = {
            **env,
            "ACTION_ENDPOINT_URL": action_url,
            "TRACKER_DB": str(workdir / f"tracker_{name}.db"),
            "RASA_AUTH_TOKEN": self.token,  # read by servers/rasa_server.py, never on the command line
        }
        # a fresh store each run: the story and load conversation ids repeat between runs
        Path(server_env["TRACKER_DB"]).unlink(missing_ok=True)
        cmd = [
            str(BIN / "python"),
            "-m",
            "servers.rasa_server",
            "run",
            "--model",
            str(model),
            "--port",
            str(self.port),
            "--enable-api",
            "--credentials",
            "credentials.yml",
            "--endpoints",
            "endpoints.yml",
        ]
        self.started = time.monotonic()
        self.proc = start(cmd, server_env, self.log)
        self.startup_s: Optional[float] = None

    def wait(self, timeout: float = 300) -> float:
        """Seconds from process start until the model is loaded and /status answers."""
        wait_until_up(f"{self.base}/status?token={self.token}", [self.proc], timeout, self.log)
        self.startup_s = time.monotonic() - self.started
        with urllib.request.urlopen(f"{self.base}/status?token={self.token}", timeout=10) as response:
            status = json.loads(response.read())
        if not status.get("model_file"):
            raise RuntimeError(f"server on {self.base} has no model loaded: {status}")
        return self.startup_s

    def rss(self) -> int:
        return rss_bytes(self.proc.pid)

    def cpu(self) -> float:
        return cpu_seconds(self.proc.pid)

    def close(self) -> None:
        stop(self.proc)
