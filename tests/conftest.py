"""Shared pytest set-up: every test's kind (unit, live or browser), and the
measured figures printed at the end of the run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

FIGURES: list = []

KINDS = ("unit", "live", "browser")
TESTS = Path(__file__).resolve().parent
# The kind of every test in a folder of tests/, unless its module (pytestmark) or
# the test itself says otherwise. A new folder must be added here.
FOLDER_KIND = {
    "accounts": "unit",
    "analytics": "unit",
    "actions": "unit",
    "bench": "unit",  # the smoke run's tests are marked live
    "channels": "unit",
    "conversations": "live",  # the file-format checks are unit  # test_sms_channel (in-process server) and test_sms_end_to_end are live
    "data": "unit",
    "handoff": "unit",  # the replica test (PostgreSQL) is live
    "deploy": "unit",
    "nlu_pipeline": "unit",
    "privacy": "unit",
    "security": "unit",  # one file per finding of the security issue; the live tests say so
    "storage": "unit",  # test_lock_store (Redis) is live
    "triage": "unit",
    "model": "live",
    "servers": "live",  # test_rasa_server (no server started) is unit
    "web": "browser",
}


@pytest.fixture(scope="module")
def postgres_env():
    """Debian's PostgreSQL, started for a module of live tests, as the environment a
    server gets with TRACKER_STORE=postgres."""
    from servers import local_services

    if not local_services.ensure(redis_needed=False)["postgres"]:
        pytest.skip("PostgreSQL could not be installed with apt")
    with local_services.postgres() as service:
        yield {"TRACKER_STORE": "postgres", **service.env}


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(config, items):
    unmarked = []
    for item in items:
        kinds = {mark.name for mark in item.iter_markers() if mark.name in KINDS}
        if not kinds:
            relative = Path(str(item.fspath)).resolve().relative_to(TESTS)
            kind = FOLDER_KIND.get(relative.parts[0]) if len(relative.parts) > 1 else None
            if kind is not None:
                item.add_marker(kind)
                kinds = {kind}
        if len(kinds) != 1:
            unmarked.append(f"{item.nodeid}: {sorted(kinds) or 'no kind'}")
    if unmarked:
        raise pytest.UsageError(
            "every test needs exactly one of the markers "
            + ", ".join(KINDS)
            + " (tests/conftest.py FOLDER_KIND, a module's pytestmark or the test's own):\n  "
            + "\n  ".join(unmarked)
        )


def pytest_terminal_summary(terminalreporter):
    if FIGURES:
        terminalreporter.section("measured")
        for line in FIGURES:
            terminalreporter.write_line(line)
