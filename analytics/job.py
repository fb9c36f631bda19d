"""The incremental job: tracker events after the high-water mark -> aggregates.

``python -m analytics.job`` (or ``make analytics``) reads the tracker store named by
.env (TRACKER_STORE=sqlite: TRACKER_DB; postgres: POSTGRES_*; the same settings as
``make retention``), takes every event whose id is above the stored high-water
mark, and for each conversation those events belong to, re-reads that sender's
events and replaces its aggregates (so a conversation that goes on is counted
once, up to date). Run it every few minutes (cron / systemd timer); page views read
only the aggregates. Nothing it logs or prints holds a sender id or any text.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from typing import Any, Dict, List, Mapping, Optional, Sequence

import sqlalchemy as sa

from analytics.aggregate import conversations as summarise
from analytics.store import AnalyticsStore
from privacy.retention import database_url as tracker_url

logger = logging.getLogger(__name__)
BATCH = 2000  # new events read per round


def _event(data: Any) -> Optional[Dict[str, Any]]:
    try:
        value = json.loads(data) if isinstance(data, (str, bytes)) else data
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def run(tracker: sa.engine.Engine, store: AnalyticsStore, batch: int = BATCH) -> Dict[str, float]:
    """One pass up to the newest event; returns events read, conversations updated and seconds."""
    started = time.perf_counter()
    read = updated = 0
    if not sa.inspect(tracker).has_table("events"):
        return {"events": 0, "conversations": 0, "seconds": 0.0}
    events = sa.Table("events", sa.MetaData(), autoload_with=tracker)
    mark = store.high_water_mark()
    while True:
        with tracker.connect() as conn:
            new = conn.execute(
                sa.select(events.c.id, events.c.sender_id).where(events.c.id > mark).order_by(events.c.id).limit(batch)
            ).all()
            if not new:
                break
            senders = sorted({row.sender_id for row in new})
            top = new[-1].id
            histories: Dict[str, List[Dict[str, Any]]] = {sender: [] for sender in senders}
            for start in range(0, len(senders), 500):
                chunk = senders[start : start + 500]
                rows = conn.execute(
                    sa.select(events.c.sender_id, events.c.data)
                    .where(events.c.sender_id.in_(chunk), events.c.id <= top)
                    .order_by(events.c.id)
                )
                for sender, data in rows:
                    event = _event(data)
                    if event is not None:
                        histories[sender].append(event)
        try:
            with store.engine.begin() as out:
                for sender in senders:
                    rows_out = summarise(sender, histories[sender])
                    store.save_in(out, sender, rows_out)
                    updated += len(rows_out)
                store.set_high_water_mark_in(out, top)
        except BaseException:
            store.forget_groups()  # the centroids in memory are ahead of the rolled-back database
            raise
        read += len(new)
        mark = top
    return {"events": read, "conversations": updated, "seconds": time.perf_counter() - started}


def load_env(path: str) -> Dict[str, str]:
    """KEY=value lines of .env (the shell's environment wins, as in servers/serve.py)."""
    values: Dict[str, str] = {}
    if os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                key, value = line.split("=", 1)
                values[key.strip()] = value.strip()
    return {**values, **os.environ}


def main(argv: Optional[Sequence[str]] = None, environ: Optional[Mapping[str, str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Update the analytics aggregates from the tracker store.")
    parser.add_argument("--env-file", default=".env")
    args = parser.parse_args(argv)
    env = dict(environ) if environ is not None else load_env(args.env_file)
    tracker = sa.create_engine(tracker_url(env))
    store = AnalyticsStore.from_env(env)
    try:
        done = run(tracker, store)
    finally:
        tracker.dispose()
        store.dispose()
    rate = done["events"] / done["seconds"] if done["seconds"] else 0.0
    print(
        f"analytics: {done['events']} new events, {done['conversations']} conversations updated "
        f"in {done['seconds']:.2f} s ({rate:.0f} events/s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
