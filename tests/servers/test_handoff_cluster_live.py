"""Handoff across replicas: 2 Rasa servers sharing PostgreSQL and Redis (servers/cluster.py).

Several people ask for a person through one server; two agents, each signed in
on a different server, try to take every conversation at the same moment:
each is taken exactly once. Then the agent writes through one server and the
person polls the other, and the other way round: every message arrives once,
in order, and the tracker (the same on both servers) shows the pause and the
resume.
"""

from __future__ import annotations

import json
import shutil
import threading
import urllib.request
import uuid

import pytest

from accounts.store import AgentStore
from servers import local_services
from servers.cluster import Cluster
from tests.servers.live import MODEL
from tests.servers.test_handoff_sms_live import Console

pytestmark = pytest.mark.skipif(not MODEL.exists(), reason="no trained model: run `make test`, which trains it")
TOKEN = "handoff-cluster-token"
FIRST, FIRST_PASSWORD = "cluster-agent-one", "cluster-agent-one-password"
SECOND, SECOND_PASSWORD = "cluster-agent-two", "cluster-agent-two-password"
PEOPLE = 4


def post(url: str, body: dict):
    request = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())


def tracker(base: str, sender: str) -> dict:
    with urllib.request.urlopen(f"{base}/conversations/{sender}/tracker?token={TOKEN}", timeout=60) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def cluster():
    have = local_services.ensure()
    if not all(have.values()):
        pytest.skip(f"PostgreSQL or Redis could not be installed with apt: {have}")
    settings = {
        "RASA_AUTH_TOKEN": TOKEN,
        "ANSWER_TIMEOUT_SECONDS": "120",
        "HANDOFF_STAFFED": "open",
        "HANDOFF_TIMEOUT_SECONDS": "3600",
        "HANDOFF_PHONE_KEY": "cluster-tests-handoff-phone-key-not-live-0123",
        "AGENT_USERNAME": FIRST,
        "AGENT_PASSWORD": FIRST_PASSWORD,
    }
    with Cluster(settings) as running:
        AgentStore.from_env(running.env).add(SECOND, SECOND_PASSWORD)
        yield running
    shutil.rmtree(running.folder, ignore_errors=True)


def test_one_take_and_no_lost_message_across_replicas(cluster):
    one, two = cluster.rasa_urls
    people = [f"web-{uuid.uuid4()}" for _ in range(PEOPLE)]
    for sender in people:
        replies = post(f"{one}/chat/webhook", {"sender": sender, "message": "I want to talk to a real person"})
        assert any((r.get("custom") or {}).get("type") == "handoff" for r in replies), replies

    agents = [Console(one, FIRST, FIRST_PASSWORD), Console(two, SECOND, SECOND_PASSWORD)]  # a session per server
    queue = agents[1].get("/agent/handoffs")["queue"]
    seen = [(q["id"], q["state"]) for q in agents[0].get("/agent/handoffs")["queue"]]
    assert len(queue) == PEOPLE and [(q["id"], q["state"]) for q in queue] == seen  # the same queue on both

    winners = {}
    for item in queue:
        results = {}
        start = threading.Barrier(2)

        def take(n, handoff_id=item["id"]):
            start.wait()
            results[n] = agents[n].post(f"/agent/handoffs/{handoff_id}/take")[0]

        threads = [threading.Thread(target=take, args=(n,)) for n in (0, 1)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(results.values()) == [200, 409], results  # exactly one take
        winners[item["id"]] = [n for n, status in results.items() if status == 200][0]

    # one conversation, both ways, through both servers
    handoff_id = queue[0]["id"]
    sender = people[0]
    holder = agents[winners[handoff_id]]
    other = agents[1 - winners[handoff_id]]
    assert other.post(f"/agent/handoffs/{handoff_id}/reply", {"message": "not mine"})[0] == 409
    sent = [f"Agent line {n}" for n in range(6)]
    received, after = [], 0
    for n, line in enumerate(sent):
        assert holder.post(f"/agent/handoffs/{handoff_id}/reply", {"message": line})[0] == 200
        status = post(f"{cluster.rasa_urls[n % 2]}/chat/handoff/status", {"sender": sender, "after": after})
        assert status["state"] == "taken"
        received += [m["text"] for m in status["messages"]]
        after = max([after] + [m["id"] for m in status["messages"]])
        assert (
            post(f"{cluster.rasa_urls[(n + 1) % 2]}/chat/webhook", {"sender": sender, "message": f"Person line {n}"})
            == []
        )
    assert received == sent  # each once, in order

    transcript = other.get(f"/agent/handoffs/{handoff_id}")["transcript"]
    talk = [line["text"] for line in transcript if line["text"].startswith(("Agent line", "Person line"))]
    assert talk == [x for n in range(6) for x in (f"Agent line {n}", f"Person line {n}")]

    assert holder.post(f"/agent/handoffs/{handoff_id}/end")[0] == 200
    first, second = tracker(one, sender), tracker(two, sender)
    assert first["events"] == second["events"]
    kinds = [e["event"] for e in first["events"]]
    assert kinds.count("pause") == 1 and kinds.count("resume") == 1 and kinds.index("pause") < kinds.index("resume")
    paused = first["events"][kinds.index("pause") : kinds.index("resume")]
    assert not [e for e in paused if e["event"] == "action" and e["name"] != "action_listen"]
    assert post(f"{two}/chat/handoff/status", {"sender": sender})["state"] == "ended"
    answer = post(f"{two}/chat/webhook", {"sender": sender, "message": "I need my x-rays"})
    assert answer and "Imaging" in json.dumps(answer)
