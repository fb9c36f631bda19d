"""`make cluster`: PostgreSQL, Redis, 2 action servers and 2 Rasa servers behind nginx, on loopback.

    python -m servers.cluster [--env-file .env] [--port 8080] [--replicas 2]

Everything comes from Debian packages (postgresql, redis-server, nginx) and this
repository; nothing listens outside 127.0.0.1. PostgreSQL and Redis run in a
temporary folder (servers/local_services.py) and are deleted on Ctrl-C: this is
the replica setup to try and test on one machine. For real hosts use
deploy/docker-compose.yml or deploy/k8s/ (README "Storage and replicas").

nginx balances both tiers round-robin: the public port over the Rasa servers,
an internal port over the action servers (what every Rasa server calls).
Each Rasa server reads deploy/endpoints.postgres-redis.yml: the conversations
live in PostgreSQL and a Redis lock makes the servers take turns per conversation.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional

from servers import local_services
from servers.local_services import free_port, wait_port
from servers.serve import wait_until_up

ROOT = Path(__file__).resolve().parent.parent

BIN = Path(sys.executable).parent
MODEL = ROOT / "models" / "current.tar.gz"

NGINX_CONF = """\
worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    log_format upstream '$upstream_addr $status';   # which server answered; no paths, no text
    access_log {folder}/nginx-access.log upstream;
    client_max_body_size 1m;
    client_body_buffer_size 1m;   # whole bodies in memory: no temp files for the unprivileged workers
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    upstream rasa {{
{rasa_servers}
    }}
    upstream actions {{
{action_servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://rasa;
            proxy_http_version 1.1;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_read_timeout 120s;
            proxy_buffering off;
            proxy_next_upstream error timeout;
        }}
    }}
    server {{
        listen 127.0.0.1:{actions_port};
        location / {{
            proxy_pass http://actions;
            proxy_http_version 1.1;
            proxy_read_timeout 120s;
            proxy_buffering off;
        }}
    }}
}}
"""


class Cluster:
    """Start with ``start()``, stop with ``stop()``; ``rasa_urls`` are the servers, ``url`` nginx."""

    def __init__(
        self,
        settings: Dict[str, str],
        port: Optional[int] = None,
        replicas: int = 2,
        model: Path = MODEL,
        keep_logs: bool = False,
    ) -> None:
        self.settings = dict(settings)
        self.keep_logs = keep_logs
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.replicas = replicas
        self.model = model
        self.folder = Path(tempfile.mkdtemp(prefix="triage-cluster-"))
        self.procs: List[subprocess.Popen] = []
        self.services: List[local_services.Service] = []
        self.rasa_ports = [free_port() for _ in range(replicas)]
        self.action_ports = [free_port() for _ in range(replicas)]
        self.actions_port = free_port()
        self.rasa_urls = [f"http://127.0.0.1:{p}" for p in self.rasa_ports]
        self.token = self.settings.get("RASA_AUTH_TOKEN") or secrets.token_urlsafe(24)

    def _start(self, name: str, cmd: List[str], env: Dict[str, str]) -> subprocess.Popen:
        handle = open(self.folder / f"{name}.log", "w")
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append(proc)
        return proc

    def log(self, name: str) -> Path:
        return self.folder / f"{name}.log"

    def start(self) -> "Cluster":
        have = local_services.ensure()
        if not all(have.values()) or not shutil.which("nginx"):
            local_services.apt_install(["nginx-light"]) if not shutil.which("nginx") else None
        if not all(local_services.available().values()) or not shutil.which("nginx"):
            raise RuntimeError("needs the Debian packages postgresql, redis-server and nginx (apt-get install ...)")
        pg = local_services.start_postgres()
        self.services.append(pg)
        rd = local_services.start_redis()
        self.services.append(rd)
        action_token = self.settings.get("ACTION_SERVER_TOKEN") or secrets.token_urlsafe(32)
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("POSTGRES_", "REDIS_"))},
            **self.settings,
            **pg.env,
            **rd.env,
            "TRACKER_STORE": "postgres",
            "LOCK_STORE": "redis",
            "ACTION_SERVER_TOKEN": action_token,
            "RASA_AUTH_TOKEN": self.token,  # read by servers/rasa_server.py, never on the command line
            "TRUSTED_PROXIES": "127.0.0.1",  # nginx, on loopback: its X-Forwarded-For names the client
            "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{self.actions_port}/webhook",
            "RASA_TELEMETRY_ENABLED": "false",
            "PYTHONPATH": str(ROOT),
        }
        self.env = env
        for i, port in enumerate(self.action_ports):
            proc = self._start(
                f"actions-{i + 1}", [sys.executable, "-m", "servers.action_server", "--port", str(port)], env
            )
            wait_port(port, proc, self.log(f"actions-{i + 1}"), timeout=180)
        conf = self.folder / "nginx.conf"
        conf.write_text(
            NGINX_CONF.format(
                folder=self.folder,
                port=self.port,
                actions_port=self.actions_port,
                rasa_servers="\n".join(f"        server 127.0.0.1:{p};" for p in self.rasa_ports),
                action_servers="\n".join(f"        server 127.0.0.1:{p};" for p in self.action_ports),
            )
        )
        proc = self._start("nginx", ["nginx", "-c", str(conf), "-p", str(self.folder)], env)
        wait_port(self.port, proc, self.log("nginx"))
        # one Rasa server at a time: the first creates the tables, and the machine has few cores
        for i, port in enumerate(self.rasa_ports):
            proc = self._start(
                f"rasa-{i + 1}",
                [
                    str(BIN / "python"),
                    "-m",
                    "servers.rasa_server",
                    "run",
                    "--model",
                    str(self.model),
                    "--port",
                    str(port),
                    "--interface",
                    "127.0.0.1",
                    "--enable-api",
                    "--credentials",
                    "credentials.yml",
                    "--endpoints",
                    "deploy/endpoints.postgres-redis.yml",
                    "--quiet",
                ],
                env,
            )
            wait_until_up(f"http://127.0.0.1:{port}/", [proc], 300, self.log(f"rasa-{i + 1}"))
        self.postgres, self.redis = pg, rd
        return self

    def stop(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        for service in self.services:
            service.stop()
            shutil.rmtree(service.folder, ignore_errors=True)
        if not self.keep_logs:
            shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> "Cluster":
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc) -> None:
        self.stop()


def check_and_stop(cluster: "Cluster") -> int:
    """One records request through nginx; the answer must name a department's contact."""
    import json
    import urllib.request

    body = json.dumps({"sender": "cluster-check", "message": "my lawyer needs my records"}).encode()
    request = urllib.request.Request(f"{cluster.url}/webhooks/rest/webhook", body, {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            answer = json.loads(response.read())
        texts = " ".join(m.get("text", "") for m in answer)
        ok = bool(texts)
        print(f"check: {'answered' if ok else 'no answer'} ({len(answer)} messages)", flush=True)
    finally:
        cluster.stop()
    return 0 if ok else 1


def main(argv=None) -> int:
    from dotenv import dotenv_values

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env-file", type=Path, default=ROOT / ".env")
    parser.add_argument("--port", type=int, default=None, help="nginx port (default CLUSTER_PORT or 8080)")
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument(
        "--check", action="store_true", help="start, answer one message through nginx, stop (exit 0 when it answered)"
    )
    args = parser.parse_args(argv)
    settings = {k: v for k, v in dotenv_values(args.env_file).items() if v is not None}
    port = args.port or int(settings.get("CLUSTER_PORT") or 8080)
    cluster = Cluster(settings, port=port, replicas=args.replicas, keep_logs=True)
    stopping = {"flag": False}
    signal.signal(signal.SIGINT, lambda *_: stopping.update(flag=True))
    signal.signal(signal.SIGTERM, lambda *_: stopping.update(flag=True))
    try:
        cluster.start()
    except (RuntimeError, TimeoutError) as error:
        print(f"cluster start-up failed: {error}", file=sys.stderr)
        cluster.stop()
        return 1
    print(
        f"\nThe cluster is running ({args.replicas} Rasa + {args.replicas} action servers, PostgreSQL, Redis, nginx).\n"
        f'  Talk to it:  POST {cluster.url}/webhooks/rest/webhook  {{"sender": "me", "message": "..."}}\n'
        f"  Rasa servers: {', '.join(cluster.rasa_urls)}\n"
        f"  Logs:        {cluster.folder}\n"
        "  Stop:        Ctrl-C (PostgreSQL and Redis data are deleted; the logs stay)\n",
        flush=True,
    )
    if args.check:
        return check_and_stop(cluster)
    code = 0
    while not stopping["flag"]:
        if any(p.poll() is not None for p in cluster.procs):
            print("a server stopped unexpectedly; stopping the cluster", file=sys.stderr)
            code = 1
            break
        time.sleep(0.5)
    cluster.stop()
    print("Cluster stopped.", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
