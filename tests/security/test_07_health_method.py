"""Finding 7: `POST /health` on the action server answered 500 (rasa_sdk turns every
exception, a wrong method included, into 500). Now 405 with an Allow header,
and an unknown path 404 (servers/action_server.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from servers.local_services import free_port
from servers.serve import wait_until_up
from tests.security.conftest import call
from tests.servers.live import stop

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def actions(tmp_path_factory):
    port = free_port()
    log = tmp_path_factory.mktemp("health") / "actions.log"
    env = {**os.environ, "ACTION_SERVER_TOKEN": "a1b2c3d4" * 8, "PYTHONPATH": str(ROOT)}
    with open(log, "w") as handle:
        proc = subprocess.Popen(
            [sys.executable, "-m", "servers.action_server", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/health", [proc], 240, log)
        yield f"http://127.0.0.1:{port}", log
    finally:
        stop(proc)


def test_wrong_methods_get_405_not_500(actions):
    base, log = actions
    for method in ("POST", "PUT", "DELETE"):
        status, _, headers = call(f"{base}/health", b"" if method != "DELETE" else None, method=method)
        assert status == 405, method
        assert "GET" in headers.get("Allow", "")
    assert call(f"{base}/health")[0] == 200
    assert call(f"{base}/no-such-page?token={'a1b2c3d4' * 8}")[0] == 404
    assert "Traceback" not in log.read_text()
