"""The deployment files hang together: Docker Compose and Kubernetes manifests refer
to files, modules, settings and secrets that exist. (They are not started here: no
container runtime on this machine; `make cluster` runs the same setup on loopback.)"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
import yaml

from tests.servers.live import ROOT

DEPLOY = ROOT / "deploy"


def compose():
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())


def test_compose_has_the_replica_setup_and_its_files_exist():
    services = compose()["services"]
    assert {"postgres", "redis", "actions-1", "actions-2", "rasa-1", "rasa-2", "nginx"} <= set(services)
    assert (DEPLOY / "Dockerfile").exists() and (ROOT / ".dockerignore").exists()
    for name in ("rasa-1", "rasa-2"):
        command = services[name]["command"]
        endpoints = re.search(r"--endpoints (\S+)", command).group(1)
        assert (ROOT / endpoints).exists() and "redis" in (ROOT / endpoints).read_text()
        assert "--auth-token" not in command and "--enable-api" in command  # the token comes from the environment
        assert services[name]["environment"]["RASA_AUTH_TOKEN"]
    for name in ("actions-1", "actions-2"):
        assert "servers.action_server" in services[name]["command"]
    published = [s for s in services.values() if s.get("ports")]
    assert published == [services["nginx"]]  # only the balancer is reachable from outside


def test_nginx_upstreams_are_the_compose_services():
    conf = (DEPLOY / "nginx.conf").read_text()
    hosts = set(re.findall(r"server (\S+):\d+;", conf))
    assert hosts == {"rasa-1", "rasa-2", "actions-1", "actions-2"}
    assert hosts <= set(compose()["services"])


def manifests():
    docs = []
    for path in sorted(p for p in (DEPLOY / "k8s").glob("*.yaml") if p.name != "kustomization.yaml"):
        docs += [d for d in yaml.safe_load_all(path.read_text()) if d]
    return docs


def test_kubernetes_references_resolve():
    docs = manifests()
    by_kind = {}
    for doc in docs:
        by_kind.setdefault(doc["kind"], {})[doc["metadata"]["name"]] = doc
    config = by_kind["ConfigMap"]["triage-config"]["data"]
    secret = by_kind["Secret"]["triage-secrets"]["stringData"]
    assert by_kind["Deployment"]["rasa"]["spec"]["replicas"] == 2
    assert by_kind["Deployment"]["actions"]["spec"]["replicas"] == 2
    assert config["ENV"] == "production"
    text = "\n".join(yaml.safe_dump(d) for d in docs)
    config_refs = re.findall(r"configMapKeyRef:\s*\n\s*key: (\S+)", text)
    secret_refs = re.findall(r"secretKeyRef:\s*\n\s*key: (\S+)", text)
    assert config_refs and secret_refs
    assert set(config_refs) <= set(config) and set(secret_refs) <= set(secret)
    # every ${VAR} the endpoints file needs is given to the Rasa pods
    endpoints = (ROOT / "deploy/endpoints.postgres-redis.yml").read_text()
    for var in re.findall(r"\$\{(\w+)\}", endpoints):
        assert var in config or var in secret, var
    # the modules the pods run exist
    for module in re.findall(r"-m\W+(scripts\.\w+)", text):
        assert (ROOT / (module.replace(".", "/") + ".py")).exists()
    kustomization = yaml.safe_load((DEPLOY / "k8s/kustomization.yaml").read_text())
    assert sorted(kustomization["resources"]) == sorted(
        p.name for p in (DEPLOY / "k8s").glob("*.yaml") if p.name != "kustomization.yaml"
    )


@pytest.mark.skipif(not shutil.which("kubectl"), reason="kubectl not installed")
def test_kustomize_builds():
    built = subprocess.run(["kubectl", "kustomize", str(DEPLOY / "k8s")], capture_output=True, text=True, timeout=120)
    assert built.returncode == 0, built.stderr
    kinds = [d["kind"] for d in yaml.safe_load_all(built.stdout) if d]
    assert {"Deployment", "StatefulSet", "Service", "CronJob", "Secret", "ConfigMap", "NetworkPolicy"} <= set(kinds)
