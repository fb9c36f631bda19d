"""The analytics job beside the Locust load test: does the incremental job keep up?

    python -m bench.analytics_load                       # 50 users, 60 s, a job run every 10 s
    python -m bench.analytics_load --seconds 20 --users 5 --model models/current.tar.gz

`make bench` runs it at its end with the model it trained for our config
(``measure``) and writes the figures into ``bench/results/results.json`` and
``report.md`` with the others; run alone, it puts them into the same two files
(the other figures stay as they were, each section with its date).

It starts an action server and a Rasa server as ``make bench`` does (REST channel,
SQLite tracker store in the work folder), runs the Locust scenario of ``make load``
(``bench/load_locustfile.py``, via ``bench.load_run.run_locust``) for ``--seconds``, and
meanwhile runs ``analytics.job.run`` against that tracker store every ``--interval``
seconds (a deployment runs it every few minutes; a shorter interval within a short
load run is a harder test of lag, not an easier one). It reports the events the
load wrote per second, the events the job read per second of wall time and per
second of its own work, and the lag when the load stops: events written but not
yet read, and how old the newest unread event is. Then one last run catches up.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import secrets
import sys
import threading
import time
from pathlib import Path
from typing import Dict, List, Optional

import sqlalchemy as sa

from analytics import job
from analytics.store import AnalyticsStore
from bench import servers
from bench.load_run import run_locust

ROOT = Path(__file__).resolve().parent.parent


def _tracker_state(engine: sa.engine.Engine, mark: int) -> Dict[str, float]:
    """Events in the tracker store, and the timestamps of the newest and of the newest read by the job."""
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table("events"):
            return {"events": 0, "newest": 0.0, "read": 0.0}
        top, newest = conn.execute(sa.text("SELECT max(id), max(timestamp) FROM events")).one()
        read = conn.execute(sa.text("SELECT max(timestamp) FROM events WHERE id <= :m"), {"m": mark}).scalar()
    return {"events": int(top or 0), "newest": float(newest or 0.0), "read": float(read or 0.0)}


def measure(
    model: Path, work: Path, env: Dict[str, str], seconds: int = 60, users: int = 50, interval: float = 10.0
) -> dict:
    """Servers up, load for ``seconds`` with the job every ``interval`` s, then the figures."""
    work.mkdir(parents=True, exist_ok=True)
    folder = work / "analytics_load"
    folder.mkdir(exist_ok=True)
    action = servers.ActionServer(folder, env)
    server: Optional[servers.RasaServer] = None
    try:
        action.wait()
        server = servers.RasaServer("analytics", model, folder, env, action.url)
        server.wait()
        tracker = sa.create_engine(f"sqlite:///{folder / 'tracker_analytics.db'}")
        (folder / "analytics.db").unlink(missing_ok=True)
        store = AnalyticsStore(f"sqlite:///{folder / 'analytics.db'}")
        locust: Dict[str, dict] = {}
        load = threading.Thread(
            target=lambda: locust.update(figures=run_locust(server.base, users, seconds, folder)), daemon=True
        )
        runs: List[Dict[str, float]] = []
        started = time.monotonic()
        load.start()
        time.sleep(min(interval, 5.0))  # locust's start-up
        while load.is_alive():
            began = time.monotonic()
            runs.append(job.run(tracker, store))
            time.sleep(max(0.0, interval - (time.monotonic() - began)))
            if time.monotonic() - started > seconds + 300:
                break
        load.join(timeout=60)
        wall = time.monotonic() - started
        at_end = _tracker_state(tracker, store.high_water_mark())
        lag_events = at_end["events"] - store.high_water_mark()
        catch_up = job.run(tracker, store)
        tracker.dispose()
        store.dispose()
    finally:
        if server is not None:
            server.close()
        action.close()
    read = sum(r["events"] for r in runs)
    busy = sum(r["seconds"] for r in runs)
    produced = at_end["events"]
    return {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "users": users,
        "load_seconds": seconds,
        "interval_seconds": interval,
        "turns": locust.get("figures", {}).get("requests"),
        "failed_turns": locust.get("figures", {}).get("failures"),
        "wall_seconds": round(wall, 1),
        "events_written": produced,
        "events_written_per_s": round(produced / wall, 1) if wall else 0.0,
        "job_runs": len(runs),
        "events_read": read,
        "events_read_per_s_wall": round(read / wall, 1) if wall else 0.0,
        "job_busy_seconds": round(busy, 2),
        "job_events_per_busy_s": round(read / busy) if busy else None,
        "job_busy_share": round(busy / wall, 3) if wall else 0.0,
        "longest_run_seconds": round(max((r["seconds"] for r in runs), default=0.0), 2),
        "lag_events_at_end": lag_events,
        "lag_seconds_at_end": round(at_end["newest"] - at_end["read"], 1) if lag_events else 0.0,
        "catch_up_events": catch_up["events"],
        "catch_up_seconds": round(catch_up["seconds"], 2),
    }


def report_lines(figures: dict) -> List[str]:
    """The section of bench/results/report.md (bench/report.py writes it)."""
    f = figures
    keeps_up = f["job_busy_share"] < 0.5 and f["catch_up_seconds"] < f["interval_seconds"]
    return [
        "## The analytics job beside the load test",
        "",
        f"{f['date']}: `bench/analytics_load.py`, the Locust scenario of `make load` ({f['users']} users, "
        f"{f['load_seconds']} s) against our config served as above, and `analytics.job.run` on its SQLite tracker "
        f"store every {f['interval_seconds']:g} s meanwhile ({f['job_runs']} runs).",
        "",
        "| figure | value |",
        "|---|---|",
        f"| turns (failed) | {f['turns']} ({f['failed_turns']}) |",
        f"| events written by the load | {f['events_written']} in {f['wall_seconds']} s = "
        f"**{f['events_written_per_s']} events/s** |",
        f"| events read by the job | {f['events_read']} = **{f['events_read_per_s_wall']} events/s** of wall time |",
        f"| the job's own rate | {f['job_events_per_busy_s']} events per second of its work, busy "
        f"{100 * f['job_busy_share']:.1f}% of the time (longest run {f['longest_run_seconds']} s) |",
        f"| lag when the load stopped | {f['lag_events_at_end']} events, the newest unread "
        f"{f['lag_seconds_at_end']} s old |",
        f"| the run after it | {f['catch_up_events']} events in {f['catch_up_seconds']} s |",
        "",
        f"Keeps up: **{'yes' if keeps_up else 'no'}** (busy under half the time, and the last run reads "
        "the lag in less than the interval).",
        "",
    ]


def bench_env() -> Dict[str, str]:
    return {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "PYTHONPATH": str(ROOT),
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "PYTHONHASHSEED": "0",
        "ACTION_SERVER_TOKEN": os.environ.get("ACTION_SERVER_TOKEN") or secrets.token_urlsafe(24),
    }


def main(argv: Optional[List[str]] = None) -> int:
    from bench.report import write_chart, write_report

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "current.tar.gz")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--interval", type=float, default=10.0)
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "bench")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results", help="results.json and report.md")
    args = parser.parse_args(argv)
    servers.install_cleanup()
    try:
        figures = measure(args.model, args.work, bench_env(), args.seconds, args.users, args.interval)
    finally:
        servers.stop_all()
    print(json.dumps(figures, indent=2))
    results_file = args.out / "results.json"
    if results_file.exists():
        results = json.loads(results_file.read_text())
        results["analytics_load"] = figures
        results_file.write_text(json.dumps(results, indent=2, default=str) + "\n")
        write_chart(results, args.out / "latency.png")
        write_report(results, args.out / "report.md", chart_name="latency.png")
    else:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "analytics_load.md").write_text("\n".join(report_lines(figures)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
