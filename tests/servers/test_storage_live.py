"""Storage chosen by .env alone, through `make run`'s servers/serve.py: SQLite (default)
or PostgreSQL + Redis (Debian packages, started here on loopback). The Rasa server
is killed with SIGKILL mid-conversation; after a restart the conversation goes on.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from channels.guard import unavailable_text
from servers import local_services
from tests.servers.live import MODEL, ROOT, free_port, text

pytestmark = pytest.mark.skipif(not MODEL.exists(), reason="no trained model: run `make test`, which trains it")
TOKEN = "storage-test-token"


def children(pid: int):
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                yield int(stat.parent.name), (stat.parent / "cmdline").read_bytes().split(b"\0")
        except (OSError, ValueError, IndexError):
            continue


class Serve:
    """servers/serve.py (what `make run` starts) with a given .env."""

    def __init__(self, tmp: Path, settings: dict) -> None:
        self.tmp = tmp
        self.rasa_port = free_port()
        self.env_file = tmp / ".env"
        lines = {
            "ENV": "development",
            "RASA_AUTH_TOKEN": TOKEN,
            "RASA_PORT": self.rasa_port,
            "ACTION_PORT": free_port(),
            "TRACKER_DB": tmp / "tracker.db",
            "LOG_LEVEL": "INFO",
            **settings,
        }
        self.env_file.write_text("".join(f"{k}={v}\n" for k, v in lines.items()))
        self.proc = None

    def start(self) -> None:
        log = self.tmp / "serve.log"
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("RASA_", "ACTION_", "TRACKER_", "POSTGRES_", "REDIS_", "LOCK_"))
        }
        env["RASA_TELEMETRY_ENABLED"] = "false"
        handle = open(log, "a")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "servers.serve", "--env-file", str(self.env_file)],
            cwd=ROOT,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"serve.py exited: {log.read_text()[-3000:]}")
            if log.read_text().count("The assistant is running.") >= self.starts + 1:
                self.starts += 1
                return
            time.sleep(1)
        pytest.fail("servers did not start in time")

    starts = 0

    def kill9_rasa(self) -> None:
        [(pid, _cmd)] = [(p, c) for p, c in children(self.proc.pid) if b"run" in c and b"--model" in c]
        os.kill(pid, signal.SIGKILL)
        self.proc.wait(timeout=60)  # serve.py sees it, stops the action server and exits

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)


def say(port, sender, message):
    import json
    import urllib.request

    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/webhooks/rest/webhook",
        json.dumps({"sender": sender, "message": message}).encode(),
        {"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def tracker(port, sender):
    import json
    import urllib.request

    with urllib.request.urlopen(
        f"http://127.0.0.1:{port}/conversations/{sender}/tracker?token={TOKEN}", timeout=30
    ) as response:
        return json.loads(response.read())


def conversation_survives_kill9(serve: Serve, sender: str, then=None) -> list:
    serve.start()
    try:
        # a slow machine may answer the first turn with the contacts; ask again then
        for _ in range(3):
            say(serve.rasa_port, sender, "my lawyer needs my records, my SSN is 123-45-6789")
            if tracker(serve.rasa_port, sender)["slots"]["department"] == "roi":
                break
        assert tracker(serve.rasa_port, sender)["slots"]["department"] == "roi"
        before = tracker(serve.rasa_port, sender)["events"]
        serve.kill9_rasa()
        serve.start()
        after_restart = tracker(serve.rasa_port, sender)
        assert after_restart["events"][: len(before)] == before  # nothing lost
        assert after_restart["slots"]["department"] == "roi"
        replies = say(serve.rasa_port, sender, "how long does it take?")
        assert "5 business days" in text(replies)
        events = tracker(serve.rasa_port, sender)["events"]
        if then:
            then(serve)
        return events
    finally:
        serve.stop()


def test_sqlite_default_survives_kill9(tmp_path):
    events = conversation_survives_kill9(Serve(tmp_path, {}), "store-sqlite")
    assert sum(e["event"] == "user" for e in events) >= 2
    with sqlite3.connect(tmp_path / "tracker.db") as db:
        raw = " ".join(row[0] for row in db.execute("select data from events where sender_id = 'store-sqlite'"))
    assert "how long does it take?" in raw and "123-45-6789" not in raw


@pytest.fixture(scope="module")
def services():
    have = local_services.ensure()
    if not all(have.values()):
        pytest.skip(f"PostgreSQL or Redis could not be installed with apt: {have}")
    with local_services.postgres() as pg, local_services.redis() as rd:
        yield pg, rd


def test_postgres_and_redis_chosen_by_env_alone_survive_kill9(tmp_path, services):
    pg, rd = services
    settings = {"TRACKER_STORE": "postgres", "LOCK_STORE": "redis", **pg.env, **rd.env}
    seen = {}

    def database_down(serve):
        seen["rows"] = local_services.psql(pg, "select data from events where sender_id = 'store-postgres'")
        pg.stop()  # PostgreSQL goes away under the running servers
        import json
        import urllib.error
        import urllib.request

        request = urllib.request.Request(
            f"http://127.0.0.1:{serve.rasa_port}/webhooks/rest/webhook",
            json.dumps({"sender": "store-postgres", "message": "thanks"}).encode(),
            {"Content-Type": "application/json"},
        )
        started = time.monotonic()
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(request, timeout=60)
        seen["status"], seen["seconds"] = error.value.code, time.monotonic() - started
        seen["body"] = error.value.read().decode()

    events = conversation_survives_kill9(Serve(tmp_path, settings), "store-postgres", then=database_down)
    assert seen["status"] == 503 and seen["seconds"] < 5  # a clear error, not a hang
    assert [m["text"] for m in json.loads(seen["body"])] == [unavailable_text()]  # with the contacts
    assert sum(e["event"] == "user" for e in events) >= 2
    rows = seen["rows"]
    assert "how long does it take?" in rows and "123-45-6789" not in rows and "[ssn]" in rows
    assert not (tmp_path / "tracker.db").exists()  # nothing went to SQLite
    stats = subprocess.run(
        ["redis-cli", "-p", rd.env["REDIS_PORT"], "-a", rd.password, "--no-auth-warning", "info", "commandstats"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "cmdstat_set" in stats  # Rasa took the conversation lock in Redis
