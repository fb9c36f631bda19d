"""Locust scenario: people having the test conversations (tests/test_stories.yml).

Each simulated person picks one of the test stories, uses a fresh conversation id
and sends the story's messages in order over the REST webhook, pausing 1-3 s
between messages like someone reading and typing. A turn counts as failed when
the HTTP status is not 200, the answer is empty, or the answer is the "can't
answer right now" contacts text (the assistant was too slow or a part was down).

    locust -f bench/load_locustfile.py --host http://127.0.0.1:5005   # web UI
    python -m bench.load_run --users 50 --minutes 10                  # headless, with figures
"""

from __future__ import annotations

import random
import uuid
from pathlib import Path

import yaml
from locust import HttpUser, between, task

from channels.guard import unavailable_text

ROOT = Path(__file__).resolve().parent.parent


def conversations():
    stories = yaml.safe_load((ROOT / "tests" / "test_stories.yml").read_text())["stories"]
    found = []
    for story in stories:
        turns = [step["user"].strip() for step in story["steps"] if "user" in step]
        if turns:
            found.append(turns)
    return found


CONVERSATIONS = conversations()
UNAVAILABLE = unavailable_text()


class Person(HttpUser):
    wait_time = between(1, 3)

    @task
    def converse(self) -> None:
        sender = f"load-{uuid.uuid4().hex[:20]}"
        for i, message in enumerate(random.choice(CONVERSATIONS)):
            if i:
                self.wait()
            with self.client.post(
                "/webhooks/rest/webhook", json={"sender": sender, "message": message}, name="turn", catch_response=True
            ) as response:
                if response.status_code != 200:
                    response.failure(f"status {response.status_code}")
                    continue
                try:
                    answer = response.json()
                except ValueError:
                    response.failure("not JSON")
                    continue
                if not answer:
                    response.failure("empty answer")
                elif any(m.get("text") == UNAVAILABLE for m in answer):
                    response.failure("contacts instead of an answer (too slow or a part down)")
                else:
                    response.success()
