"""Load figures: the Locust scenario against the single-server default and the replica setup.

    python -m bench.load_run                         # both setups, 50 users, 1 minute each
    python -m bench.load_run --users 50 --minutes 10 # the full run (about 25 minutes with start-up)
    python -m bench.load_run --setup single          # or --setup cluster

Starts the servers itself on free loopback ports (single: servers/serve.py with a
temporary .env and SQLite; cluster: servers/cluster.py), runs Locust headless
(bench/load_locustfile.py), samples the memory of every server process each
second, and appends the figures to bench/results/load.md (and .json).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Dict

import psutil

from servers.local_services import free_port

ROOT = Path(__file__).resolve().parent.parent

RESULTS = ROOT / "bench" / "results"
BIN = Path(sys.executable).parent


class MemorySampler(threading.Thread):
    """Peak resident memory (MB) per named server process, sampled every second."""

    def __init__(self, processes: Dict[str, int]) -> None:
        super().__init__(daemon=True)
        self.processes = processes
        self.peak: Dict[str, float] = {name: 0.0 for name in processes}
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            for name, pid in self.processes.items():
                try:
                    proc = psutil.Process(pid)
                    rss = proc.memory_info().rss + sum(c.memory_info().rss for c in proc.children(recursive=True))
                    self.peak[name] = max(self.peak[name], rss / 2**20)
                except psutil.Error:
                    pass
            self.stopping.wait(1)


def run_locust(host: str, users: int, seconds: int, folder: Path) -> Dict[str, float]:
    prefix = folder / "locust"
    subprocess.run(
        [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "bench" / "load_locustfile.py"),
            "--headless",
            "-u",
            str(users),
            "-r",
            str(max(1, users // 10)),
            "-t",
            f"{seconds}s",
            "--host",
            host,
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        # locust loads the scenario by path: the repository goes on its import path this way
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
        timeout=seconds + 300,
        stdout=subprocess.DEVNULL,
    )
    with open(f"{prefix}_stats.csv") as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    row = rows["turn"]
    failures = []
    if Path(f"{prefix}_failures.csv").exists():
        with open(f"{prefix}_failures.csv") as handle:
            failures = [f"{r['Occurrences']}x {r['Error']}" for r in csv.DictReader(handle)]
    return {
        "requests": int(row["Request Count"]),
        "failures": int(row["Failure Count"]),
        "rps": round(float(row["Requests/s"]), 2),
        "p50_ms": float(row["50%"]),
        "p95_ms": float(row["95%"]),
        "p99_ms": float(row["99%"]),
        "max_ms": float(row["Max Response Time"]),
        "failure_kinds": failures,
    }


def single(users: int, seconds: int, folder: Path) -> Dict:
    port = free_port()
    env_file = folder / ".env"
    env_file.write_text(
        f"ENV=development\nRASA_AUTH_TOKEN=load-token\nRASA_PORT={port}\nACTION_PORT={free_port()}\n"
        f"TRACKER_DB={folder / 'tracker.db'}\nLOG_LEVEL=WARNING\n"
    )
    log = open(folder / "serve.log", "w")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RASA_PORT", "ACTION_", "TRACKER_"))}
    proc = subprocess.Popen(
        [sys.executable, "-m", "servers.serve", "--env-file", str(env_file)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 300
        while "The assistant is running." not in (folder / "serve.log").read_text():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((folder / "serve.log").read_text()[-2000:])
            time.sleep(1)
        servers = {}
        for child in psutil.Process(proc.pid).children():
            name = "rasa" if "rasa" in " ".join(child.cmdline()) and "--model" in child.cmdline() else "actions"
            servers[name] = child.pid
        sampler = MemorySampler(servers)
        sampler.start()
        figures = run_locust(f"http://127.0.0.1:{port}", users, seconds, folder)
        sampler.stopping.set()
        figures["memory_mb"] = {k: round(v) for k, v in sampler.peak.items()}
        return figures
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def cluster(users: int, seconds: int, folder: Path) -> Dict:
    from servers.cluster import Cluster

    with Cluster({"RASA_AUTH_TOKEN": "load-token"}) as running:
        names = ["actions-1", "actions-2", "nginx", "rasa-1", "rasa-2"]
        sampler = MemorySampler({n: p.pid for n, p in zip(names, running.procs)})
        sampler.start()
        figures = run_locust(running.url, users, seconds, folder)
        sampler.stopping.set()
        figures["memory_mb"] = {k: round(v) for k, v in sampler.peak.items()}
        return figures


def machine() -> str:
    load = os.getloadavg()[0]
    return f"{psutil.cpu_count()} cores, load average {load:.1f} at start"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=1)
    parser.add_argument("--setup", choices=["single", "cluster", "both"], default="both")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where load.json and load.md go")
    args = parser.parse_args(argv)
    results = args.out
    seconds = int(args.minutes * 60)
    results.mkdir(parents=True, exist_ok=True)
    runs = []
    for setup in ["single", "cluster"] if args.setup == "both" else [args.setup]:
        host_state = machine()
        with tempfile.TemporaryDirectory(prefix="triage-load-") as tmp:
            figures = (single if setup == "single" else cluster)(args.users, seconds, Path(tmp))
        run = {
            "when": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "setup": setup,
            "users": args.users,
            "seconds": seconds,
            "machine": host_state,
            **figures,
        }
        runs.append(run)
        print(json.dumps(run, indent=2), flush=True)
    with open(results / "load.json", "a") as handle:
        for run in runs:
            handle.write(json.dumps(run) + "\n")
    table = results / "load.md"
    if not table.exists():
        table.write_text(
            "# Load runs (bench/load_run.py, scenario bench/load_locustfile.py)\n\n"
            "A turn is one message and its answer; it fails on a non-200, an empty answer, or the\n"
            "contacts text given when the assistant is too slow (ANSWER_TIMEOUT_SECONDS) or a part is down.\n\n"
            "| when | setup | users | length | turns | failed | turns/s | p50 ms | p95 ms | p99 ms | peak memory MB | machine |\n"
            "|---|---|---|---|---|---|---|---|---|---|---|---|\n"
        )
    with open(table, "a") as handle:
        for r in runs:
            memory = ", ".join(f"{k} {v}" for k, v in r["memory_mb"].items())
            handle.write(
                f"| {r['when']} | {r['setup']} | {r['users']} | {r['seconds']} s | {r['requests']} | "
                f"{r['failures']} | {r['rps']} | {r['p50_ms']:.0f} | {r['p95_ms']:.0f} | {r['p99_ms']:.0f} | "
                f"{memory} | {r['machine']} |\n"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
