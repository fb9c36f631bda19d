"""bench/step_cost.py runs and reports each part of the conversation step."""

from __future__ import annotations

from bench import step_cost


def test_step_cost_prints_each_part(capsys):
    assert step_cost.main(limit=25) == 0
    out = capsys.readouterr().out
    for part in ("understand.read", "TF-IDF", "converse.step"):
        assert part in out
    assert "ms" in out and "messages of the open conversation set" in out
