"""Browser tests: the real servers (started like `make run`) and Debian's chromium.

Chromium comes from Debian's `chromium` package. When /usr/bin/chromium is
missing, the `chromium` fixture installs it with apt-get (the test set-up runs as
root); it never downloads a browser of its own (no `playwright install`).
Screenshots land in results/screenshots/.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.servers.serving import serving

ROOT = Path(__file__).resolve().parent.parent.parent
MODEL = ROOT / "models" / "current.tar.gz"
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "results" / "screenshots"
AGENT_USER, AGENT_PASSWORD = "test-agent", "test-agent-password-123"


def ensure_chromium() -> Path:
    if CHROMIUM.exists():
        return CHROMIUM
    apt = shutil.which("apt-get")
    if apt is None:
        pytest.fail("Debian's chromium is missing and apt-get is not available to install it")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in ([apt, "update"], [apt, "install", "-y", "chromium"]):
        result = subprocess.run(command, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            pytest.fail(f"{' '.join(command)} failed:\n{result.stderr[-2000:]}")
    if not CHROMIUM.exists():
        pytest.fail("apt-get installed chromium but /usr/bin/chromium is still missing")
    return CHROMIUM


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    if not MODEL.exists():
        pytest.skip("no trained model: run `make test`, which trains it")
    settings = {
        "RASA_AUTH_TOKEN": "web-test-token",
        "AGENT_USERNAME": AGENT_USER,
        "AGENT_PASSWORD": AGENT_PASSWORD,
        # handoff to a person (test_handoff.py): staffed at any hour, so the test runs at night too
        "HANDOFF_STAFFED": "open",
        "HANDOFF_PHONE_KEY": "web-tests-handoff-phone-key-not-live-0123456789",
    }
    with serving(tmp_path_factory.mktemp("web"), settings, timeout=300) as running:
        yield running


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    executable = ensure_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(executable), headless=True)
        yield browser
        browser.close()


@pytest.fixture
def context(chromium):
    ctx = chromium.new_context(viewport={"width": 1000, "height": 900})
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    page.set_default_timeout(60_000)
    return page


@pytest.fixture
def shot(request):
    """Save a screenshot of a page under results/screenshots/<test name>-<label>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, label: str) -> Path:
        path = SCREENSHOTS / f"{request.node.name}-{label}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
