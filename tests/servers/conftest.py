"""One real stack (action server, fault proxy, Rasa server) shared by the production tests."""

from __future__ import annotations

import pytest

from tests.servers.live import MODEL, Stack

needs_model = pytest.mark.skipif(not MODEL.exists(), reason="no trained model: run `make test`, which trains it")


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    if not MODEL.exists():
        pytest.skip("no trained model: run `make test`, which trains it")
    # --debug: even Rasa's most talkative log level must never show an identifier
    live = Stack(tmp_path_factory.mktemp("prod"), env_extra={"ANSWER_TIMEOUT_SECONDS": "2.5"}, rasa_args=["--debug"])
    try:
        live.start()
        live.alive()  # first turn loads lazy parts of the model
        yield live
    finally:
        live.close()
