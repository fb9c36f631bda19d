"""Finding 1: the HTTP API listened on every interface with a token printed in the
repository, and the token was on the command line (readable with `ps`).

Now: `make run` writes `.env` with fresh random secrets (scripts/make_env.py);
the servers listen on 127.0.0.1 unless BIND_ADDRESS says otherwise; another
address or ENV=production refuses to start while a secret is empty, an example
or too short (servers/settings_check.py); the token reaches Rasa through the
environment (servers/rasa_server.py), never its command line.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from dotenv import dotenv_values

from scripts import make_env
from servers import serve, settings_check
from servers.rasa_server import run_arguments
from servers.settings_check import SECRETS, problems
from tests.security.conftest import API_TOKEN, call

ROOT = Path(__file__).resolve().parents[2]
GOOD = {s.name: "a1b2c3d4" * 8 for s in SECRETS}


def test_env_example_holds_no_secret_value():
    example = dotenv_values(ROOT / ".env.example")
    secret_names = {s.name for s in SECRETS} | set(make_env.GENERATED)
    for name in secret_names:
        assert example.get(name) == "", f"{name} has a value in .env.example"
    assert example["BIND_ADDRESS"] == "127.0.0.1"


def test_make_env_writes_fresh_private_secrets(tmp_path, capsys):
    first, second = tmp_path / "one.env", tmp_path / "two.env"
    make_env.main(["--env-file", str(first)])
    said = capsys.readouterr().out
    make_env.main(["--env-file", str(second)])
    one, two = dotenv_values(first), dotenv_values(second)
    for name in make_env.GENERATED:
        assert len(one[name]) >= 20 and one[name] != two[name], name
        assert not settings_check.example_value(one[name])
    assert one["AGENT_PASSWORD"] in said  # told once how to sign in
    assert (first.stat().st_mode & 0o777) == 0o600
    # a new clone's .env may start anywhere: nothing is refused but what needs a real outside value
    left = problems({**one, "ENV": "production", "REST_TOKEN": "f" * 40, "TWILIO_AUTH_TOKEN": "e" * 32}, "0.0.0.0")
    assert left == []


def test_make_env_fill_replaces_only_empty_or_example_secrets(tmp_path):
    env = tmp_path / ".env"
    env.write_text(
        "RASA_AUTH_TOKEN=change-me-local-token\nACTION_SERVER_TOKEN=keep-this-one-0123456789\nLOG_LEVEL=INFO\n"
    )
    make_env.main(["--env-file", str(env), "--fill"])
    values = dotenv_values(env)
    assert values["RASA_AUTH_TOKEN"] != "change-me-local-token" and len(values["RASA_AUTH_TOKEN"]) == 64
    assert values["ACTION_SERVER_TOKEN"] == "keep-this-one-0123456789" and values["LOG_LEVEL"] == "INFO"


@pytest.mark.parametrize(
    "host, change, refused",
    [
        ("127.0.0.1", {"RASA_AUTH_TOKEN": "change-me-local-token"}, False),  # development on loopback
        ("127.0.0.1", {"RASA_AUTH_TOKEN": ""}, False),
        ("0.0.0.0", {}, False),
        ("0.0.0.0", {"RASA_AUTH_TOKEN": "change-me-local-token"}, True),
        ("10.0.0.5", {"RASA_AUTH_TOKEN": ""}, True),
        ("0.0.0.0", {"ACTION_SERVER_TOKEN": "short-but-real"}, True),
        ("::", {"REST_TOKEN": ""}, True),
        ("localhost", {"REST_TOKEN": ""}, False),
        ("0.0.0.0", {"TRACKER_STORE": "postgres", "POSTGRES_PASSWORD": "change-me-postgres-password"}, True),
    ],
)
def test_off_loopback_every_secret_must_be_real(host, change, refused):
    assert bool(problems({**GOOD, **change}, host)) is refused


def test_production_refuses_example_secrets_even_on_loopback():
    assert problems({**GOOD, "ENV": "production"}, "127.0.0.1") == []
    found = problems({**GOOD, "ENV": "production", "RASA_AUTH_TOKEN": "change-me-local-token"}, "127.0.0.1")
    assert found and "RASA_AUTH_TOKEN" in found[0] and "change-me" not in found[0]  # never the value


def test_rasa_gets_its_token_from_the_environment_and_listens_on_loopback():
    argv, refused = run_arguments(["run", "--enable-api", "--port", "5005"], {"RASA_AUTH_TOKEN": API_TOKEN})
    assert refused == []
    assert argv[argv.index("--interface") + 1] == "127.0.0.1"
    assert argv[argv.index("--auth-token") + 1] == API_TOKEN  # added inside the process, not on its command line
    _, refused = run_arguments(["run", "--enable-api"], {})
    assert refused and "RASA_AUTH_TOKEN" in refused[0]
    _, refused = run_arguments(["run", "--enable-api"], {"RASA_AUTH_TOKEN": API_TOKEN, "BIND_ADDRESS": "0.0.0.0"})
    assert any("REST_TOKEN" in p for p in refused)


def test_no_launcher_puts_the_token_on_a_command_line():
    for path in (
        "servers/serve.py",
        "servers/cluster.py",
        "bench/servers.py",
        "deploy/docker-compose.yml",
        "deploy/k8s/rasa.yaml",
    ):
        assert "--auth-token" not in (ROOT / path).read_text(), path


@pytest.mark.live
def test_serve_refuses_another_address_with_example_secrets(tmp_path):
    env_file = tmp_path / ".env"
    example = (ROOT / ".env.example").read_text()
    env_file.write_text(example.replace("BIND_ADDRESS=127.0.0.1", "BIND_ADDRESS=0.0.0.0"))
    names = {s.name for s in SECRETS} | {"ENV", "BIND_ADDRESS"}
    env = {k: v for k, v in os.environ.items() if k not in names}
    done = subprocess.run(
        [sys.executable, "-m", "servers.serve", "--env-file", str(env_file)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    for name in ("RASA_AUTH_TOKEN", "ACTION_SERVER_TOKEN", "REST_TOKEN", "TWILIO_AUTH_TOKEN", "SMS_SENDER_KEY"):
        assert name in done.stderr
    assert "The assistant is running" not in done.stdout


def listening_addresses(port: int) -> set:
    """Local addresses with a socket listening on ``port`` (from /proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


@pytest.mark.live
def test_the_running_server_listens_on_loopback_and_hides_its_token(server):
    port = int(server["base"].rsplit(":", 1)[1])
    assert listening_addresses(port) == {"0100007F"}  # 127.0.0.1 only, not 0.0.0.0
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            assert API_TOKEN.encode() not in cmdline, "the API token is on a command line"
    assert call(f"{server['base']}/conversations/x/tracker?token=change-me-local-token")[0] == 401
    assert call(f"{server['base']}/conversations/x/tracker")[0] == 401
    assert call(f"{server['base']}/conversations/x/tracker?token={API_TOKEN}")[0] == 200


def test_serve_starts_no_server_when_refused():
    assert serve.start_problems({**GOOD, "BIND_ADDRESS": "0.0.0.0", "RASA_AUTH_TOKEN": ""})
    assert serve.start_problems({**GOOD, "BIND_ADDRESS": "127.0.0.1", "RASA_AUTH_TOKEN": ""}) == []
