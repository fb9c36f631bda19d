"""Benchmark of the supervisors' dashboard (analytics/): not part of `make test` or `make bench`.

    python -m bench.analytics                 # 100,000 conversations, 5,000 through the job
    python -m bench.analytics --rows 1000     # a quick try

1. Seeds a temporary aggregates database with ``--rows`` synthetic conversations
   (90 days, 4 channels, 2 languages, departments, routes, can't-help groups) and
   times the dashboard's query (``analytics.report.figures``) for the last 30 days
   and for one channel and language, the page's HTML and one SVG chart: the median
   of ``--repeat`` runs each. The issue asks for the page under 1 s at 100,000.
2. Seeds a temporary tracker store (Rasa's ``events`` columns) with ``--job-conversations``
   synthetic conversations and times one run of the incremental job over them,
   then a second run after a few more events (what a job every few minutes sees).
3. Grouping the "can't help" messages (``analytics/groups.py``): ``--groups`` groups made
   from synthetic 2-5 word messages (a vocabulary of 3,000 words, with paraphrase
   clusters), the time to place one more message (TF-IDF against the groups sharing a
   bucket), and the time a job takes to read that many centroids from the database.

Everything is in a temporary folder; nothing of the project's var/ is touched.
Prints the figures; paste them into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Callable, List

from analytics import charts, groups, job, report
from analytics.page import render
from analytics.report import Filters, figures, recent_figures
from analytics.store import AnalyticsStore, conversations, labels, unrecognised, unrecognised_seen
from tests.analytics.seed import Talk, store_events_bulk, tracker_db

CHANNELS = ["web", "web", "sms", "agent", "rest"]
DEPARTMENTS = ["roi", "imaging", "clinical_team", "leave_form", "self_service", "medical_records"]
END = dt.date(2026, 12, 31)
VOCABULARY = [f"word{n}" for n in range(3000)]


def seed_aggregates(store: AnalyticsStore, rows: int, rng: random.Random) -> None:
    convs, labs, seen = [], [], []
    for n in range(rows):
        key = f"{n:064x}"
        where = {
            "day": (END - dt.timedelta(days=rng.randrange(90))).isoformat(),
            "channel": rng.choice(CHANNELS),
            "language": "es" if rng.random() < 0.15 else "en",
        }
        department = rng.choice(DEPARTMENTS) if rng.random() < 0.7 else None
        cant_help = 1 if rng.random() < 0.12 else 0
        convs.append(
            {
                "key": key,
                **where,
                "turns": rng.randint(1, 8),
                "cant_help": cant_help,
                "emergency": int(rng.random() < 0.01),
                "neighbour": int(rng.random() < 0.05),
                "questions": rng.randint(0, 2),
                "reasked": int(rng.random() < 0.03),
                "turns_to_department": rng.randint(1, 4) if department else None,
                "ended_after_question": int(rng.random() < 0.08),
                "handoffs": None,
                "handoff_wait_seconds": None,
            }
        )
        if department:
            labs.append({"key": key, "kind": "department", "value": department, **where})
            labs.append({"key": key, "kind": "route", "value": f"{department}_{rng.randrange(6)}", **where})
        if cant_help:
            seen.append({"group": f"{rng.randrange(400):032x}", "key": key, **where})
    groups = sorted({s["group"] for s in seen})
    with store.engine.begin() as conn:
        for table, values in ((conversations, convs), (labels, labs), (unrecognised_seen, seen)):
            for start in range(0, len(values), 20_000):
                conn.execute(table.insert(), values[start : start + 20_000])
        conn.execute(unrecognised.insert(), [{"group": g, "words": f"synthetic group {g[-4:]}"} for g in groups])


def timed(action: Callable[[], object], repeat: int) -> float:
    times: List[float] = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def synthetic_talk(rng: random.Random, start: float) -> Talk:
    talk = Talk(start)
    for _ in range(rng.randint(1, 4)):
        talk.user("I need my records").bot("choices").slot("pending_question", "record_kind")
    if rng.random() < 0.7:
        talk.user("the whole thing").slot("department", rng.choice(DEPARTMENTS)).slot("route", "r").bot(
            "department_card"
        )
    else:
        talk.user(synthetic_message(rng, VOCABULARY)).bot("fallback")
    return talk


def synthetic_message(rng: random.Random, vocabulary: List[str]) -> str:
    # Zipf-like: a few words (records, copy, form...) in many messages, most words rare
    return " ".join(
        vocabulary[min(int(rng.paretovariate(0.6)) - 1, len(vocabulary) - 1)] for _ in range(rng.randint(2, 5))
    )


def bench_grouping(tmp: Path, count: int, rng: random.Random) -> None:
    vocabulary = VOCABULARY
    secret = b"b" * 32
    made = groups.Groups()
    start = time.perf_counter()
    for _ in range(count):
        group, message = made.place(synthetic_message(rng, vocabulary), secret) or ("", frozenset())
        if group:
            made.add(group, message)
    build = time.perf_counter() - start
    print(
        f"grouping: {made.messages} messages into {len(made)} groups in {build:.1f} s"
        f" ({1000 * build / max(1, made.messages):.2f} ms a message on average while the groups grew)"
    )
    probes = [synthetic_message(rng, vocabulary) for _ in range(500)]
    start = time.perf_counter()
    for text in probes:
        made.place(text, secret)
    print(f"grouping: one more message with {len(made)} groups: {1000 * (time.perf_counter() - start) / 500:.2f} ms")
    store = AnalyticsStore(f"sqlite:///{tmp / 'groups.db'}")
    with store.engine.begin() as conn:
        conn.execute(
            unrecognised.insert(),
            [
                {"group": g, "words": None, "vector": json.dumps(v), "messages": sum(v.values())}
                for g, v in made.vectors.items()
            ],
        )
    start = time.perf_counter()
    with store.engine.connect() as conn:
        loaded = store.groups(conn)
    print(f"grouping: a job run reads {len(loaded)} centroids in {time.perf_counter() - start:.2f} s (once a run)")
    store.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--job-conversations", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--groups", type=int, default=20_000, help="synthetic can't-help messages to group")
    args = parser.parse_args()
    rng = random.Random(18)
    with tempfile.TemporaryDirectory() as tmp:
        store = AnalyticsStore(f"sqlite:///{Path(tmp) / 'analytics.db'}")
        start = time.perf_counter()
        seed_aggregates(store, args.rows, rng)
        print(f"seeded {args.rows} aggregate rows in {time.perf_counter() - start:.1f} s (rows: {store.counts()})")
        last30 = Filters((END - dt.timedelta(days=29)).isoformat(), END.isoformat())
        narrow = Filters(last30.start, last30.end, channel="sms", language="es")
        found = figures(store.engine, last30)
        print(f"last 30 days: {found.conversations} conversations, {len(found.unrecognised)} groups shown")
        query = timed(lambda: figures(store.engine, last30), args.repeat)
        query_narrow = timed(lambda: figures(store.engine, narrow), args.repeat)
        page = timed(lambda: render(figures(store.engine, last30), ["en", "es"], "bench"), args.repeat)
        charts.svg(found, "routes")  # the first chart imports matplotlib and reads its fonts: once per server
        chart = timed(lambda: charts._draw(figures(store.engine, last30), "routes"), args.repeat)  # not the cache
        print(f"dashboard query, 30 days, all channels:      {1000 * query:7.1f} ms (median of {args.repeat})")
        print(f"dashboard query, 30 days, sms + es:          {1000 * query_narrow:7.1f} ms")
        print(f"dashboard page (query + HTML):               {1000 * page:7.1f} ms")
        print(f"one chart (query + matplotlib SVG):          {1000 * chart:7.1f} ms")
        print(f"page under 1 s: {'yes' if page < 1.0 else 'NO'}")

        def browser_view() -> None:  # the page, then its 6 chart requests, as the server answers them
            report._RECENT.clear()  # a fresh query, then the charts find it
            for name in charts.CHARTS:
                charts._draw(recent_figures(store.engine, view), name)

        view = last30
        print(f"page + its 6 charts, 30 days (one query):    {timed(browser_view, args.repeat):.2f} s")
        store.dispose()

        tracker = tracker_db(f"sqlite:///{Path(tmp) / 'tracker.db'}")
        jobs = AnalyticsStore(f"sqlite:///{Path(tmp) / 'job.db'}")
        base = 1796083200.0
        batch = [(f"web-{n:08d}", synthetic_talk(rng, base + n * 7).events) for n in range(args.job_conversations)]
        store_events_bulk(tracker, batch)
        events = sum(len(e) for _, e in batch)
        done = job.run(tracker, jobs)
        print(
            f"job, first run: {done['events']} events, {done['conversations']} conversation updates"
            f" ({args.job_conversations} conversations) in {done['seconds']:.1f} s"
            f" = {done['events'] / done['seconds']:.0f} events/s, {done['conversations'] / done['seconds']:.0f} updates/s"
        )
        assert done["events"] == events
        more = [
            (f"web-{n:08d}", Talk(base + n * 7 + 3600).user("thanks").bot("text").events[3:])
            for n in range(0, args.job_conversations, 10)
        ]
        store_events_bulk(tracker, more)
        done = job.run(tracker, jobs)
        print(
            f"job, next run (1 in 10 conversations went on): {done['events']} events, "
            f"{done['conversations']} conversations in {done['seconds']:.2f} s"
        )
        tracker.dispose()
        jobs.dispose()
        bench_grouping(Path(tmp), args.groups, rng)


if __name__ == "__main__":
    main()
