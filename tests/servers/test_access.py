"""Access control: production mode refuses empty tokens, the action server needs
its token, CORS only for configured origins, storage chosen by .env settings."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from servers import serve
from servers.local_services import free_port
from servers.serve import wait_until_up
from tests.servers.live import ROOT, stop

# Which secrets refuse a start: tests/security/test_01_api_access.py and test_02_sms_secrets.py.


def test_serve_refuses_to_start_in_production_with_the_example_token(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text(ROOT.joinpath(".env.example").read_text().replace("ENV=development", "ENV=production"))
    # the shell's own settings would win over the file (as in serve.py): leave them out
    env = {
        k: v for k, v in __import__("os").environ.items() if k not in ("ENV", "RASA_AUTH_TOKEN", "ACTION_SERVER_TOKEN")
    }
    done = subprocess.run(
        [sys.executable, "-m", "servers.serve", "--env-file", str(env_file)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "RASA_AUTH_TOKEN" in done.stderr and "ACTION_SERVER_TOKEN" in done.stderr
    assert "The assistant is running" not in done.stdout


def test_cors_origins_come_from_env():
    assert serve.cors_args({}) == []
    assert serve.cors_args({"CORS_ORIGINS": ""}) == []
    assert serve.cors_args({"CORS_ORIGINS": "https://a.example.org, https://b.example.org"}) == [
        "--cors",
        "https://a.example.org",
        "https://b.example.org",
    ]


POSTGRES = {k: "x" for k in serve.STORE_SETTINGS["postgres"]}
REDIS = {k: "x" for k in serve.STORE_SETTINGS["redis"]}


def test_storage_is_chosen_by_env_settings_alone():
    assert serve.endpoints_file({}) == "endpoints.yml"
    assert serve.endpoints_file({"TRACKER_STORE": "postgres", **POSTGRES}) == "deploy/endpoints.postgres.yml"
    assert (
        serve.endpoints_file({"TRACKER_STORE": "postgres", "LOCK_STORE": "redis", **POSTGRES, **REDIS})
        == "deploy/endpoints.postgres-redis.yml"
    )
    for name in serve.ENDPOINTS_FILES.values():
        assert (ROOT / name).exists()
    with pytest.raises(ValueError):
        serve.endpoints_file({"TRACKER_STORE": "sqlite", "LOCK_STORE": "redis"})
    with pytest.raises(ValueError):
        serve.endpoints_file({"TRACKER_STORE": "mongo"})


def test_postgres_without_its_settings_is_refused(monkeypatch):
    for name in serve.STORE_SETTINGS["postgres"]:
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ValueError, match="POSTGRES_PASSWORD"):
        serve.endpoints_file({"TRACKER_STORE": "postgres", **{k: "x" for k in POSTGRES if k != "POSTGRES_PASSWORD"}})


@pytest.fixture(scope="module")
def action_server(tmp_path_factory):
    port = free_port()
    log = tmp_path_factory.mktemp("actions") / "actions.log"
    env = {**__import__("os").environ, "ACTION_SERVER_TOKEN": "the-right-token", "PYTHONPATH": str(ROOT)}
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
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(proc)


def call(url, body=None, origin=None):
    headers = {"Content-Type": "application/json"}
    if origin:
        headers["Origin"] = origin
    request = urllib.request.Request(url, data=body, headers=headers, method="POST" if body is not None else "GET")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers


ACTION_CALL = json.dumps(
    {
        "next_action": "action_that_does_not_exist",
        "sender_id": "t",
        "version": "3.6.21",
        "tracker": {
            "sender_id": "t",
            "slots": {},
            "latest_message": {"intent": {}, "entities": [], "text": "x"},
            "events": [],
            "latest_input_channel": "rest",
        },
        "domain": {},
    }
).encode()


def test_action_server_refuses_calls_without_its_token(action_server):
    assert call(f"{action_server}/webhook", ACTION_CALL)[0] == 401
    assert call(f"{action_server}/webhook?token=wrong", ACTION_CALL)[0] == 401
    assert call(f"{action_server}/actions")[0] == 401
    status, body, _ = call(f"{action_server}/webhook?token=the-right-token", ACTION_CALL)
    assert status == 404 and b"action_that_does_not_exist" in body  # past the token check, to rasa_sdk
    assert call(f"{action_server}/actions?token=the-right-token")[0] == 200
    assert call(f"{action_server}/health")[0] == 200


def test_action_server_allows_no_browser_origin(action_server):
    _, _, headers = call(f"{action_server}/health", origin="https://evil.example.org")
    assert "Access-Control-Allow-Origin" not in headers


def test_action_server_will_not_start_without_a_token():
    env = {k: v for k, v in __import__("os").environ.items() if k != "ACTION_SERVER_TOKEN"}
    done = subprocess.run(
        [sys.executable, "-m", "servers.action_server", "--port", str(free_port())],
        cwd=ROOT,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and "ACTION_SERVER_TOKEN" in done.stderr
