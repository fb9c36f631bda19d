"""A small asyncio HTTP client (aiohttp, installed with Rasa): NLU parses, story replays, load.

A "turn" is one user message POSTed to the REST webhook
(`/webhooks/rest/webhook`) until the bot's replies come back: NLU, the dialogue
policies, the custom action call to the action server and the tracker store
write, i.e. what a user waits for.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import List, Sequence, Tuple

import aiohttp

TIMEOUT = aiohttp.ClientTimeout(total=120)
SKIPPED_ACTIONS = {"action_listen", "action_session_start"}


async def _parse_all(base: str, token: str, texts: Sequence[str], concurrency: int) -> List[dict]:
    results: List[dict] = [None] * len(texts)  # type: ignore[list-item]
    queue = list(enumerate(texts))
    async with aiohttp.ClientSession(timeout=TIMEOUT) as session:

        async def worker():
            while queue:
                index, text = queue.pop()
                async with session.post(f"{base}/model/parse?token={token}", json={"text": text}) as response:
                    response.raise_for_status()
                    results[index] = await response.json()

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return results


def parse_all(base: str, token: str, texts: Sequence[str], concurrency: int = 4) -> List[dict]:
    """Rasa's NLU result (POST /model/parse) for every text, in order."""
    return asyncio.run(_parse_all(base, token, texts, concurrency))


async def _say(session: aiohttp.ClientSession, base: str, sender: str, text: str) -> list:
    async with session.post(f"{base}/webhooks/rest/webhook", json={"sender": sender, "message": text}) as response:
        response.raise_for_status()
        return await response.json()


def actions_per_turn(events: List[dict]) -> List[List[str]]:
    """The bot actions after each user message in a tracker's events."""
    turns: List[List[str]] = []
    for event in events:
        if event.get("event") == "user":
            turns.append([])
        elif event.get("event") == "action" and turns and event.get("name") not in SKIPPED_ACTIONS:
            turns[-1].append(event["name"])
    return turns


async def _replay(base: str, token: str, stories: Sequence[Tuple[str, List[Tuple[str, List[str]]]]], label: str):
    outcomes = []
    async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
        for number, (name, turns) in enumerate(stories):
            sender = f"bench-{label}-story-{number}"
            for text, _expected in turns:
                await _say(session, base, sender, text)
            async with session.get(f"{base}/conversations/{sender}/tracker?token={token}") as response:
                response.raise_for_status()
                tracker = await response.json()
            got = actions_per_turn(tracker["events"])
            expected = [actions for _text, actions in turns]
            outcomes.append({"story": name, "expected": expected, "got": got})
    return outcomes


def replay_stories(base: str, token: str, stories, label: str) -> List[dict]:
    """Play each test story through the REST webhook; the actions the tracker shows per turn."""
    return asyncio.run(_replay(base, token, stories, label))


@dataclass
class LevelResult:
    concurrency: int
    latencies: List[float] = field(default_factory=list)  # seconds, successful turns
    errors: int = 0
    empty: int = 0  # turns answered with no bot message at all
    elapsed: float = 0.0
    conversations: int = 0


async def _user(session, base, scenarios, offset, stop_at, result: LevelResult, label: str, user: int):
    index = offset
    while time.monotonic() < stop_at:
        turns = scenarios[index % len(scenarios)]
        sender = f"bench-{label}-c{result.concurrency}-u{user}-{index}"
        index += 1
        for text in turns:
            if time.monotonic() >= stop_at:
                return
            started = time.perf_counter()
            try:
                replies = await _say(session, base, sender, text)
            except (aiohttp.ClientError, asyncio.TimeoutError):
                result.errors += 1
                continue
            result.latencies.append(time.perf_counter() - started)
            if not replies:
                result.empty += 1
        result.conversations += 1


async def _level(
    base: str, scenarios: Sequence[Sequence[str]], concurrency: int, duration: float, label: str
) -> LevelResult:
    result = LevelResult(concurrency=concurrency)
    connector = aiohttp.TCPConnector(limit=concurrency + 4)
    async with aiohttp.ClientSession(timeout=TIMEOUT, connector=connector) as session:
        started = time.monotonic()
        stop_at = started + duration
        # Users start at different scenarios so the mix is the same at every level.
        await asyncio.gather(
            *(_user(session, base, scenarios, user * 7, stop_at, result, label, user) for user in range(concurrency))
        )
        result.elapsed = time.monotonic() - started
    return result


def run_level(
    base: str, scenarios: Sequence[Sequence[str]], concurrency: int, duration: float, label: str
) -> LevelResult:
    """`concurrency` simulated users, each playing whole conversations back to back for `duration` s.

    Turns already sent when the time is up are awaited and counted; the elapsed
    time runs until the last one is answered.
    """
    return asyncio.run(_level(base, scenarios, concurrency, duration, label))


def warm_up(base: str, scenarios: Sequence[Sequence[str]], label: str) -> float:
    """Play every scenario once (not measured); returns the first turn's latency in seconds."""

    async def go():
        first = None
        async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
            for number, turns in enumerate(scenarios):
                for text in turns:
                    started = time.perf_counter()
                    await _say(session, base, f"bench-{label}-warm-{number}", text)
                    if first is None:
                        first = time.perf_counter() - started
        return first

    return asyncio.run(go())
