"""PostgreSQL and Redis from Debian packages, started on loopback for tests and `make cluster`.

Each runs in its own temporary folder on a free port, owned by the ``postgres``
user for PostgreSQL (it refuses to run as root), with a password, and is removed
when stopped. Nothing touches the system's own database or Redis service.

    with postgres() as pg: ...   # pg.env: POSTGRES_* settings for .env
    with redis() as rd: ...      # rd.env: REDIS_* settings
"""

from __future__ import annotations

import contextlib
import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Optional


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def find_pg_bin(name: str) -> Optional[str]:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def pg_bin(name: str) -> str:
    """A PostgreSQL program's path (call ``available()`` first: this fails when it is missing)."""
    path = find_pg_bin(name)
    if path is None:
        raise FileNotFoundError(f"PostgreSQL's {name} is not installed")
    return path


def available() -> Dict[str, bool]:
    return {
        "postgres": bool(find_pg_bin("initdb") and find_pg_bin("postgres")),
        "redis": bool(shutil.which("redis-server")),
    }


def apt_install(packages: List[str]) -> bool:
    """Install Debian packages (root only); False when apt is not usable."""
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return False
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for _attempt in range(3):  # another apt may hold the lock for a while
        done = subprocess.run(["apt-get", "install", "-y", "-q", *packages], env=env, capture_output=True, timeout=900)
        if done.returncode == 0:
            return True
        time.sleep(20)
    return False


def ensure(postgres_needed: bool = True, redis_needed: bool = True) -> Dict[str, bool]:
    have = available()
    wanted = [
        pkg
        for pkg, need in (
            ("postgresql", postgres_needed and not have["postgres"]),
            ("redis-server", redis_needed and not have["redis"]),
        )
        if need
    ]
    if wanted:
        apt_install(wanted)
    return available()


def wait_port(port: int, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"exited during start-up:\n{log.read_text()[-2000:]}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.3)
    raise TimeoutError(f"port {port} not open after {timeout} s")


@dataclass
class Service:
    port: int
    password: str
    proc: subprocess.Popen
    folder: Path
    env: Dict[str, str] = field(default_factory=dict)

    def stop(self, kill: bool = False) -> None:
        if self.proc.poll() is None:
            self.proc.kill() if kill else self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def _as_postgres_user() -> List[str]:
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def start_postgres(db: str = "triage", user: str = "triage", port: Optional[int] = None) -> Service:
    folder = Path(tempfile.mkdtemp(prefix="triage-pg-"))
    password = secrets.token_hex(16)
    port = port or free_port()
    (folder / "pw").write_text(password)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
        shutil.chown(folder / "pw", "postgres", "postgres")
    data = folder / "data"
    subprocess.run(
        _as_postgres_user()
        + [
            pg_bin("initdb"),
            "-D",
            str(data),
            "-U",
            user,
            "--pwfile",
            str(folder / "pw"),
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "-E",
            "UTF8",
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    log = folder / "postgres.log"
    handle = open(log, "w")
    proc = subprocess.Popen(
        _as_postgres_user()
        + [
            pg_bin("postgres"),
            "-D",
            str(data),
            "-p",
            str(port),
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            f"unix_socket_directories={folder}",
            "-c",
            "fsync=off",
            "-c",
            "max_connections=200",
        ],
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    wait_port(port, proc, log)
    for _ in range(50):  # the port opens a moment before connections are accepted
        made = subprocess.run(
            _as_postgres_user()
            + ["psql", "-h", str(folder), "-p", str(port), "-U", user, "-d", "postgres", "-c", f"CREATE DATABASE {db}"],
            capture_output=True,
            timeout=60,
        )
        if made.returncode == 0:
            break
        time.sleep(0.3)
    env = {
        "POSTGRES_HOST": "127.0.0.1",
        "POSTGRES_PORT": str(port),
        "POSTGRES_DB": db,
        "POSTGRES_USER": user,
        "POSTGRES_PASSWORD": password,
    }
    return Service(port, password, proc, folder, env)


def start_redis(port: Optional[int] = None) -> Service:
    folder = Path(tempfile.mkdtemp(prefix="triage-redis-"))
    password = secrets.token_hex(16)
    port = port or free_port()
    log = folder / "redis.log"
    handle = open(log, "w")
    proc = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--requirepass",
            password,
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ],
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    wait_port(port, proc, log)
    return Service(
        port, password, proc, folder, {"REDIS_HOST": "127.0.0.1", "REDIS_PORT": str(port), "REDIS_PASSWORD": password}
    )


@contextlib.contextmanager
def postgres(**kwargs) -> Iterator[Service]:
    service = start_postgres(**kwargs)
    try:
        yield service
    finally:
        service.stop()
        shutil.rmtree(service.folder, ignore_errors=True)


@contextlib.contextmanager
def redis(**kwargs) -> Iterator[Service]:
    service = start_redis(**kwargs)
    try:
        yield service
    finally:
        service.stop()
        shutil.rmtree(service.folder, ignore_errors=True)


def psql(service: Service, sql: str) -> str:
    """Run SQL in the service's database; the output as text (tab-separated, no headers)."""
    done = subprocess.run(
        _as_postgres_user()
        + [
            "psql",
            "-h",
            str(service.folder),
            "-p",
            str(service.port),
            "-U",
            service.env["POSTGRES_USER"],
            "-d",
            service.env["POSTGRES_DB"],
            "-At",
            "-F",
            "\t",
            "-c",
            sql,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout
