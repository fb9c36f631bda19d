"""Replicas: 2 Rasa + 2 action servers, PostgreSQL, Redis and nginx on loopback
(servers/cluster.py, what `make cluster` starts).

Many conversations run at once; each sends its turns alternately to the two Rasa
servers (and some through nginx). Afterwards every conversation holds exactly
the turns sent, once each, in order, the same on both servers and in PostgreSQL.
"""

from __future__ import annotations

import json
import shutil
import threading
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from channels.guard import unavailable_text
from servers import local_services
from servers.cluster import Cluster
from tests.servers.live import MODEL

pytestmark = pytest.mark.skipif(not MODEL.exists(), reason="no trained model: run `make test`, which trains it")
TOKEN = "cluster-test-token"
CONVERSATIONS = 12
TURNS = [
    "my lawyer needs my medical records",
    "how long does it take?",
    "how much does it cost?",
    "i also need my x-rays",
    "thanks",
]


def post(base, sender, message):
    request = urllib.request.Request(
        f"{base}/webhooks/rest/webhook",
        json.dumps({"sender": sender, "message": message}).encode(),
        {"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=180) as response:
        assert response.status == 200
        return json.loads(response.read())


def tracker(base, sender):
    with urllib.request.urlopen(f"{base}/conversations/{sender}/tracker?token={TOKEN}", timeout=60) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def cluster():
    have = local_services.ensure()
    if not all(have.values()):
        pytest.skip(f"PostgreSQL or Redis could not be installed with apt: {have}")
    # a long answer limit here: this test is about storage, not about slow answers
    with Cluster({"RASA_AUTH_TOKEN": TOKEN, "ANSWER_TIMEOUT_SECONDS": "120"}) as running:
        yield running
    shutil.rmtree(running.folder, ignore_errors=True)  # its logs


def test_no_event_lost_duplicated_or_reordered_across_replicas(cluster):
    fallback = unavailable_text()

    def converse(n):
        sender = f"cluster-{n}"
        for i, turn in enumerate(TURNS):
            # turns alternate between the two servers; odd conversations send one turn through nginx
            base = cluster.url if (i == 2 and n % 2) else cluster.rasa_urls[(n + i) % 2]
            replies = post(base, sender, turn)
            assert replies and all(r.get("text") != fallback for r in replies)
        return sender

    with ThreadPoolExecutor(max_workers=6) as pool:
        senders = list(pool.map(converse, range(CONVERSATIONS)))

    for sender in senders:
        one, two = (tracker(base, sender)["events"] for base in cluster.rasa_urls)
        assert one == two  # both servers see the same conversation
        said = [e["text"] for e in one if e["event"] == "user"]
        assert said == TURNS  # nothing lost, duplicated or reordered
        stamps = [e["timestamp"] for e in one]
        assert stamps == sorted(stamps)
        # every turn is complete before the next starts: user, then actions, then listen
        kinds = [e["event"] for e in one if e["event"] in ("user", "action")]
        starts = [i for i, k in enumerate(kinds) if k == "user"]
        for a, b in zip(starts, starts[1:] + [len(kinds)]):
            assert kinds[a + 1 : b] and all(k == "action" for k in kinds[a + 1 : b])
        rows = int(local_services.psql(cluster.postgres, f"select count(*) from events where sender_id = '{sender}'"))
        assert rows == len(one)  # no duplicate rows in the database


def test_the_redis_lock_serialises_two_servers_answering_the_same_conversation_at_once(cluster):
    sender = "cluster-same-time"
    post(cluster.rasa_urls[0], sender, "my lawyer needs my medical records")
    barrier = threading.Barrier(2)
    messages = ["how long does it take?", "how much does it cost?"]

    def send(i):
        barrier.wait()
        return post(cluster.rasa_urls[i], sender, messages[i])

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(send, range(2)))
    events = tracker(cluster.rasa_urls[1], sender)["events"]
    said = [e["text"] for e in events if e["event"] == "user"]
    assert said[0] == "my lawyer needs my medical records"
    assert sorted(said[1:]) == sorted(messages)  # both kept, one after the other
    kinds = [e["event"] for e in events if e["event"] in ("user", "action")]
    assert all(a != "user" or b != "user" for a, b in zip(kinds, kinds[1:]))  # no interleaved turns


def test_the_balancer_spreads_turns_over_both_servers(cluster):
    log = cluster.folder / "nginx-access.log"
    seen = len(log.read_text().splitlines()) if log.exists() else 0
    for i in range(6):
        post(cluster.url, f"cluster-lb-{i}", "i need my x-rays")
    lines = log.read_text().splitlines()[seen:]
    used = {line.split()[0] for line in lines if line.endswith(" 200") and f":{cluster.actions_port}" not in line}
    assert used >= {f"127.0.0.1:{p}" for p in cluster.rasa_ports}
