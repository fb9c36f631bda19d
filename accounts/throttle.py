"""Slowing down password guessing without letting anyone lock an agent out.

A plain "5 failures and the account is locked" rule lets anyone who knows a
user name lock that agent out of their shift, and behind nginx every caller has
the same address, so a per-address lock shuts everyone out. Instead three
counts, all kept in the database (several Rasa servers share them):

- per (account, client address) pair: after ``PAIR_LIMIT`` failures within
  ``PAIR_LOOKBACK`` the pair is refused (429) for a delay that doubles with each
  further failure (30 s, 1 min, 2 min, ... at most 15 min). The agent signing in
  from their own desk is another pair and is not affected.
- per client address: after ``ADDRESS_LIMIT`` failures across all accounts within
  ``WINDOW`` the address is refused until the oldest of them is out of the window.
- per account alone: never refused, only slowed (``account_delay``, at most 1 s).

The client address is the socket's peer; ``X-Forwarded-For`` is believed only
when that peer is one of ``TRUSTED_PROXIES`` (our own nginx), otherwise anyone
could pick a fresh address for each guess.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import List, Mapping, Optional, Sequence, Union

WINDOW = 300  # seconds: the per-address and per-account counts
PAIR_LIMIT = 5
PAIR_LOOKBACK = 3600  # seconds: a pair's failures count towards its growing delay for an hour
PAIR_FIRST_DELAY, PAIR_MAX_DELAY = 30, 900
ADDRESS_LIMIT = 20
ACCOUNT_STEP, ACCOUNT_MAX_DELAY = 0.1, 1.0

Network = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]


@dataclass(frozen=True)
class Counts:
    """What the store found for one attempt (times are Unix seconds)."""

    pair_times: Sequence[float]  # the pair's failures within PAIR_LOOKBACK
    address_times: Sequence[float]  # the address's failures within WINDOW, any account
    account_recent: int  # the account's failures within WINDOW, any address


def pair_delay(failures: int) -> float:
    """Seconds a pair waits after its latest failure: 0 below the limit, then doubling up to the cap."""
    if failures < PAIR_LIMIT:
        return 0
    return float(min(PAIR_FIRST_DELAY * 2 ** (failures - PAIR_LIMIT), PAIR_MAX_DELAY))


def retry_after(counts: Counts, now: float) -> Optional[int]:
    """Seconds until this attempt may be tried, or None when it may go ahead now."""
    waits = []
    if counts.pair_times:
        waits.append(max(counts.pair_times) + pair_delay(len(counts.pair_times)) - now)
    if len(counts.address_times) >= ADDRESS_LIMIT:
        newest = sorted(counts.address_times)[-ADDRESS_LIMIT:]
        waits.append(newest[0] + WINDOW - now)
    wait = max(waits, default=0)
    return int(wait) + 1 if wait > 0 else None


def account_delay(recent_failures: int) -> float:
    """Seconds to pause before checking a password for an account that has recent failures."""
    return min(recent_failures * ACCOUNT_STEP, ACCOUNT_MAX_DELAY)


def trusted_proxies(environ: Mapping[str, str]) -> List[Network]:
    """``TRUSTED_PROXIES``: addresses or networks separated by commas or spaces; empty by default."""
    found = []
    for item in re.split(r"[\s,]+", environ.get("TRUSTED_PROXIES") or ""):
        if item:
            found.append(ipaddress.ip_network(item, strict=False))
    return found


def _address(text: str) -> Optional[Union[ipaddress.IPv4Address, ipaddress.IPv6Address]]:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address: str, proxies: Sequence[Network]) -> bool:
    parsed = _address(address)
    return parsed is not None and any(parsed in network for network in proxies)


def client_address(peer: str, forwarded_for: Optional[str], proxies: Sequence[Network]) -> str:
    """The caller's address: the peer, unless the peer is a trusted proxy; then the nearest
    address in ``X-Forwarded-For`` (read from the right) that is not a trusted proxy."""
    client = peer
    if not forwarded_for or not _trusted(peer, proxies):
        return client
    for hop in reversed(forwarded_for.split(",")):
        if _address(hop) is None:
            break  # garbage: keep the last address a proxy we trust vouched for
        client = hop.strip()
        if not _trusted(client, proxies):
            break
    return client
