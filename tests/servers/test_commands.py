"""Every documented command works from a clone, with only what the Makefile sets.

Each `make` target runs here in a clean environment (PATH and HOME only): nothing
exported by the `make test` that runs these tests can hide a target that forgets
a variable. The long ones run in their short mode (ARGS=...). The README's curl
examples run against `make run`, as written except for the port.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from servers.local_services import free_port

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "current.tar.gz"
pytestmark = pytest.mark.skipif(not MODEL.exists(), reason="no trained model: run `make test`, which trains it")


def clean_env(**extra: str) -> dict:
    keep = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "PYENV_ROOT", "TMPDIR") if k in os.environ}
    return {**keep, **extra}


def make(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=ROOT,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def env_file(tmp: Path, **settings: object) -> Path:
    """.env.example, as `make run` copies it, on free ports with its own database."""
    values = dict(
        line.split("=", 1)
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )
    values.update(
        {
            "RASA_AUTH_TOKEN": "commands-test-token",
            "RASA_PORT": free_port(),
            "ACTION_PORT": free_port(),
            "TRACKER_DB": tmp / "tracker.db",
            "AGENT_DB": tmp / "agents.db",  # never the clone's own var/agents.db
            **settings,
        }
    )
    values["SMS_PUBLIC_URL"] = f"http://localhost:{values['RASA_PORT']}/webhooks/sms/webhook"
    path = tmp / ".env"
    path.write_text("".join(f"{key}={value}\n" for key, value in values.items()))
    return path


def readme_shell_examples() -> list:
    """The README's bash blocks that talk to a running assistant."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.*?)```", readme, flags=re.S)
    return [block for block in blocks if "localhost:5005" in block]


def test_the_readme_has_curl_examples():
    examples = readme_shell_examples()
    assert examples and any("webhooks/rest/webhook" in block for block in examples)


def test_make_script_writes_the_guided_script(tmp_path):
    result = make("script", f"ARGS=--out {tmp_path}")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    html = (tmp_path / "guided-script.html").read_text(encoding="utf-8")
    assert "503-571-5051" in html


def test_make_retention_runs_on_its_env_file(tmp_path):
    path = env_file(tmp_path, RETENTION_DAYS=30)
    result = make("retention", f"ARGS=--env-file {path}")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]


def _wait_for(proc: subprocess.Popen, log: Path, text: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in log.read_text(errors="replace"):
            return
        if proc.poll() is not None:
            pytest.fail(f"exited early: {log.read_text(errors='replace')[-3000:]}")
        time.sleep(1)
    os.killpg(proc.pid, signal.SIGKILL)
    pytest.fail(f"not up in {timeout} s: {log.read_text(errors='replace')[-3000:]}")


def _stop(proc: subprocess.Popen) -> int:
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C does to the whole make
    try:
        return proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raise


def test_make_run_answers_the_readme_examples_as_written(tmp_path):
    port = free_port()
    path = env_file(tmp_path, RASA_PORT=port)
    log = tmp_path / "run.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            ["make", "--no-print-directory", "run", f"ARGS=--env-file {path}"],
            cwd=ROOT,
            env=clean_env(),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_for(proc, log, "The assistant is running.", 300)
        outputs = []
        # a folder laid out like the clone, with this test's .env in it
        for name in (".venv", "scripts", "servers", "channels", "triage", "content", "privacy", "storage"):
            if (ROOT / name).exists():
                (tmp_path / name).symlink_to(ROOT / name)
        for block in readme_shell_examples():
            script = block.replace("localhost:5005", f"localhost:{port}")
            # run where the .env is, as a user runs them in the clone
            done = subprocess.run(
                ["bash", "-euo", "pipefail", "-c", script],
                cwd=tmp_path,
                env=clean_env(),
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert done.returncode == 0, (block, done.stdout, done.stderr)
            outputs.append(done.stdout)
        text = "\n".join(outputs)
        assert "503-571-5051" in text  # the first example's answer: ROI's phone
        assert re.search(r"\broi$", text, flags=re.M)  # the tracker example prints the department
    finally:
        _stop(proc)


def test_make_load_short_run_has_no_failed_turn(tmp_path):
    result = make("load", f"ARGS=--users 2 --minutes 0.25 --setup single --out {tmp_path}", timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    run = json.loads((tmp_path / "load.json").read_text().splitlines()[-1])
    assert run["requests"] > 0 and run["failures"] == 0


def test_make_cluster_check_answers_through_nginx(tmp_path):
    from servers import local_services

    have = local_services.ensure()
    if not all(have.values()):
        pytest.skip(f"PostgreSQL or Redis could not be installed with apt: {have}")
    path = env_file(tmp_path, CLUSTER_PORT=free_port())
    result = make("cluster", f"ARGS=--env-file {path} --check", timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "check: answered" in result.stdout


def test_make_shell_answers_in_the_terminal():
    """`make shell` in a real terminal (a pty): one records request, then /stop."""
    import pty
    import select

    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        ["make", "--no-print-directory", "shell"],
        cwd=ROOT,
        env=clean_env(TERM="dumb"),
        stdin=follower,
        stdout=follower,
        stderr=follower,
        start_new_session=True,
    )
    os.close(follower)
    seen = b""

    def read_until(pattern: bytes, timeout: float) -> bool:
        nonlocal seen
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 1)
            if ready:
                try:
                    seen += os.read(leader, 65536)
                except OSError:
                    return pattern in seen
            if pattern in seen:
                return True
            if proc.poll() is not None:
                return pattern in seen
        return False

    try:
        assert read_until(b"Your input", 300), seen[-2000:].decode(errors="replace")
        os.write(leader, b"my lawyer needs my records\r")
        assert read_until(b"503-571-5051", 120), seen[-2000:].decode(errors="replace")
        os.write(leader, b"/stop\r")
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        os.close(leader)
