"""storage/lock_store.py against a real Redis (Debian redis-server, started here):
several "servers" (separate store objects, threads) taking tickets for the same
conversation at once never get the same ticket, and every ticket is served."""

from __future__ import annotations

import asyncio
import threading

import pytest

from servers import local_services

pytestmark = pytest.mark.live  # a real Redis


@pytest.fixture(scope="module")
def redis_service():
    if not local_services.ensure(postgres_needed=False)["redis"]:
        pytest.skip("redis-server could not be installed with apt")
    with local_services.redis() as service:
        yield service


def store(service):
    from rasa.utils.endpoints import EndpointConfig

    from storage.lock_store import AtomicRedisLockStore

    config = EndpointConfig(
        url="127.0.0.1",
        port=service.port,
        password=service.password,
        key_prefix="t",
        type="storage.lock_store.AtomicRedisLockStore",
    )
    return AtomicRedisLockStore(config)


def test_created_from_endpoints_like_rasa_does(redis_service):
    from rasa.core.lock_store import LockStore
    from rasa.utils.endpoints import EndpointConfig

    from storage.lock_store import AtomicRedisLockStore

    config = EndpointConfig(
        url="127.0.0.1",
        port=str(redis_service.port),
        password=redis_service.password,
        key_prefix="triage",
        type="storage.lock_store.AtomicRedisLockStore",
    )
    created = LockStore.create(config)
    assert isinstance(created, AtomicRedisLockStore)
    assert created.red.ping()


def test_tickets_are_unique_across_servers_taking_them_at_once(redis_service):
    servers = [store(redis_service) for _ in range(4)]
    tickets, start = [], threading.Barrier(len(servers))

    def take(server):
        start.wait()
        for _ in range(25):
            tickets.append(server.issue_ticket("same-conversation", 60))

    threads = [threading.Thread(target=take, args=(s,)) for s in servers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(tickets) == list(range(100))  # 100 tickets, no number twice, none skipped
    for number in tickets:
        servers[0].cleanup("same-conversation", number)
    assert servers[0].get_lock("same-conversation") is None


def test_turns_of_one_conversation_never_overlap_across_servers(redis_service):
    servers = [store(redis_service) for _ in range(3)]
    inside, overlaps, done, count = [0], [], [], threading.Lock()

    async def turn(server, n):
        async with server.lock("busy-conversation", wait_time_in_seconds=0.01):
            with count:
                inside[0] += 1
                if inside[0] > 1:
                    overlaps.append(n)
            await asyncio.sleep(0.01)
            with count:
                inside[0] -= 1
            done.append(n)

    def run(server, base):
        async def all_turns():
            await asyncio.wait_for(asyncio.gather(*(turn(server, base + i) for i in range(8))), 120)

        asyncio.run(all_turns())

    threads = [threading.Thread(target=run, args=(s, 100 * i)) for i, s in enumerate(servers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(done) == 24 and not overlaps
