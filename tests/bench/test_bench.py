"""The benchmark script (bench/): its figures are computed right, and a smoke run writes a sound report.

The smoke run trains both Rasa configs with 1 epoch per neural component,
starts the servers and puts a second of load on each level, so its figures
mean nothing; the test checks the report's structure and that every number is
sane. `make bench` runs the real thing; no timing is asserted here.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest
import yaml

from bench import metrics
from bench.load import actions_per_turn
from bench.run import default_config, gets_department, rasa_default_config_path, smoke, story_scenarios
from scripts.make_oos_nlu import eval_messages

ROOT = Path(__file__).resolve().parents[2]


# --- the figures ---------------------------------------------------------------------


@pytest.mark.parametrize("q", [0, 1, 50, 95, 99, 100])
def test_percentile_matches_numpy(q):
    values = [0.31, 12.0, 7.5, 7.5, 100.25, 3.0, 44.0, 0.0, 19.9]
    assert metrics.percentile(values, q) == pytest.approx(float(np.percentile(values, q)))


def test_entity_f1_needs_exact_type_and_span():
    gold = [[("recipient", 3, 9)], [("record_kind", 0, 4), ("region", 10, 17)]]
    predicted = [
        [("recipient", 3, 9)],  # right
        [
            ("record_kind", 0, 5),
            ("region", 10, 17),  # one span off by a character, one right
            ("requester", 20, 22),
        ],  # one that is not there
    ]
    scores = metrics.entity_f1(gold, predicted)
    assert scores["precision"] == pytest.approx(2 / 4)
    assert scores["recall"] == pytest.approx(2 / 3)
    assert scores["f1"] == pytest.approx(2 * (0.5 * 2 / 3) / (0.5 + 2 / 3))


def test_duplicate_entities_from_two_extractors_count_once():
    entities = [
        {"entity": "recipient", "start": 3, "end": 9, "extractor": "SpacyEntityExtractor"},
        {"entity": "recipient", "start": 3, "end": 9, "extractor": "DIETClassifier"},
    ]
    assert metrics.spans_from_entities(entities) == [("recipient", 3, 9)]


def test_fallback_rule_is_the_fallback_classifiers():
    assert metrics.apply_fallback([("request_records", 0.29), ("greet", 0.1)], 0.3, 0.1) == "nlu_fallback"
    assert metrics.apply_fallback([("request_records", 0.45), ("ask_cost", 0.40)], 0.3, 0.1) == "nlu_fallback"
    assert metrics.apply_fallback([("request_records", 0.55), ("ask_cost", 0.40)], 0.3, 0.1) == "request_records"


def test_false_triage_counts_only_intents_that_lead_somewhere():
    result = metrics.false_triage(["out_of_scope", "nlu_fallback", "greet", "request_records", "ask_cost"])
    assert (result["wrong"], result["n"]) == (2, 5)


def test_department_count_follows_the_actions():
    fmla = [{"entity": "leave_program", "value": "fmla", "start": 0, "end": 4}]
    assert gets_department("request_records", [])
    assert not gets_department("ask_cost", [])  # a follow-up with no context names no request
    assert gets_department("inform", fmla)  # but its entities may name one
    assert not gets_department("greet", fmla)
    assert not gets_department("out_of_scope", fmla)


def test_intent_scores_are_rasas():
    scores = metrics.intent_scores(["a", "a", "b", "b"], ["a", "b", "b", "b"])
    assert scores["accuracy"] == pytest.approx(0.75)
    # F1 of a: 2/3, of b: 0.8; macro = their mean
    assert scores["macro_f1"] == pytest.approx((2 / 3 + 0.8) / 2)


def test_actions_per_turn_reads_the_tracker():
    events = [
        {"event": "action", "name": "action_session_start"},
        {"event": "session_started"},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "hi"},
        {"event": "action", "name": "utter_greet"},
        {"event": "bot"},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "my records"},
        {"event": "slot", "name": "department"},
        {"event": "action", "name": "action_triage"},
        {"event": "action", "name": "action_listen"},
    ]
    assert actions_per_turn(events) == [["utter_greet"], ["action_triage"]]


# --- the setups ----------------------------------------------------------------------


def test_default_config_is_rasas_own_with_seeds():
    rasa_file = yaml.safe_load(rasa_default_config_path().read_text())
    config = default_config()
    assert [c["name"] for c in config["pipeline"]] == [c["name"] for c in rasa_file["pipeline"]]
    assert [c["name"] for c in config["policies"]] == [c["name"] for c in rasa_file["policies"]]
    assert "TEDPolicy" in [c["name"] for c in config["policies"]]
    for component in config["pipeline"] + config["policies"]:
        if component["name"] in {"DIETClassifier", "TEDPolicy", "UnexpecTEDIntentPolicy", "ResponseSelector"}:
            assert component["random_seed"] == 42
            assert component["epochs"] == 100


def test_smoke_configs_use_one_epoch():
    config = smoke(default_config())
    epochs = [c["epochs"] for c in config["pipeline"] + config["policies"] if "epochs" in c]
    assert epochs and set(epochs) == {1}


def test_load_scenarios_are_the_story_scenarios():
    stories = story_scenarios()
    raw = yaml.safe_load((ROOT / "tests" / "test_stories.yml").read_text())["stories"]
    assert len(stories) == len(raw)
    for (_name, turns), story in zip(stories, raw):
        assert len(turns) == sum(1 for step in story["steps"] if "user" in step)
        assert all(text and actions for text, actions in turns)


# --- the smoke run -------------------------------------------------------------------


def _table_rows(report: str, heading: str) -> list:
    section = report.split(f"### {heading}\n", 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]
    return [
        line
        for line in section.splitlines()
        if line.startswith("| ") and not line.startswith("| ours |") and not line.startswith("| concurrent")
    ]


@pytest.fixture(scope="module")
def smoke_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bench")
    out, work = tmp / "results", tmp / "work"
    # `make bench` as a user runs it, in a clean environment (PATH and HOME only): the
    # Makefile must set everything the bench needs (it once forgot ACTION_SERVER_TOKEN).
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "PYENV_ROOT") if k in os.environ}
    result = subprocess.run(
        ["make", "--no-print-directory", "bench", f"ARGS=--smoke --out {out} --work {work} --duration 1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return {
        "out": out,
        "work": work,
        "results": json.loads((out / "results.json").read_text()),
        "report": (out / "report.md").read_text(),
    }


@pytest.mark.live  # the smoke run trains models and starts servers
def test_smoke_report_has_every_table(smoke_run):
    report = smoke_run["report"]
    assert "SMOKE RUN" in report
    for heading in (
        "## Machine",
        "## Targets",
        "## Accuracy",
        "## Cost",
        "## Speed under load",
        "## The conversation step",
    ):
        assert heading in report
    for table in (
        "Intent accuracy, held-out file",
        "Intent macro F1, held-out file",
        "Entity F1, held-out file",
        "False triage on CLINC150 everyday messages",
        "Training time",
        "Model size",
        "Start-up time",
        "Resident memory after start-up",
    ):
        rows = _table_rows(report, table)
        assert len(rows) == 1 and rows[0].count("|") >= 4, table
        cells = [c.strip() for c in rows[0].strip("|").split("|")]
        # the ours / default ratio; n/a only when the default's figure is 0 (tiny smoke epochs)
        assert "×" in rows[0] or (cells[-1] == "n/a" and cells[1] in ("0", "0.0", "0.000")), table
    for table in ("Throughput", "Latency p50", "Latency p95", "Latency p99"):
        rows = _table_rows(report, table)
        assert [row.split("|")[1].strip() for row in rows] == ["1", "8", "32"], table
    assert "](latency.png)" in report
    png = (smoke_run["out"] / "latency.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000
    machine = smoke_run["results"]["machine"]
    assert machine["cores"] == os.cpu_count() and machine["versions"]["rasa"] == "3.6.21"
    assert f"| CPU cores | {os.cpu_count()} |" in report


@pytest.mark.live  # the smoke run trains models and starts servers
def test_smoke_accuracy_figures_are_sane(smoke_run):
    results = smoke_run["results"]
    assert results["data"]["holdout_messages"] > 100
    assert results["data"]["clinc_messages"] == len(eval_messages()[::40])
    for name in ("ours", "default", "baseline"):
        figures = results[name]
        assert 0 <= figures["intent"]["accuracy"] <= 1 and 0 <= figures["intent"]["macro_f1"] <= 1
        assert figures["false_triage"]["n"] == results["data"]["clinc_messages"]
        assert 0 <= figures["false_triage"]["rate"] <= 1
        assert figures["department"]["n"] == results["data"]["clinc_messages"]
        assert 0 <= figures["department"]["rate"] <= 1
    # Without entities, the baseline can only triage by a request intent, a subset of the in-scope intents.
    assert results["baseline"]["department"]["wrong"] <= results["baseline"]["false_triage"]["wrong"]
    # Ours classifies intents with logistic regression, which has no epochs: even
    # the smoke run must reach the threshold tests/model/test_model.py holds it to.
    assert results["ours"]["intent"]["macro_f1"] >= 0.90
    assert results["baseline"]["intent"]["macro_f1"] >= 0.80
    assert results["baseline"]["entities"] is None and "| n/a |" in smoke_run["report"]
    assert results["ours"]["entities"]["gold"] == results["data"]["holdout_entities"] > 0
    stories = results["ours"]["stories"]
    assert stories["conversations"] == len(story_scenarios())
    assert 0 < stories["conversations_right"] <= stories["conversations"]


@pytest.mark.live  # the smoke run trains models and starts servers
def test_smoke_speed_figures_are_sane(smoke_run):
    results = smoke_run["results"]
    total_memory = results["machine"]["memory_bytes"]
    for name in ("ours", "default"):
        figures = results[name]
        assert figures["train_seconds"] > 1 and figures["model_bytes"] > 2**20
        assert 0 < figures["startup_seconds"] < 600
        assert 100 * 2**20 < figures["rss_loaded_bytes"] < total_memory
        assert figures["rss_after_load_bytes"] > 100 * 2**20
        assert [level["concurrency"] for level in figures["load"]] == [1, 8, 32]
        for level in figures["load"]:
            assert level["errors"] == 0 and level["empty_replies"] == 0 and level["turns"] > 0
            assert 0 < level["p50_ms"] <= level["p95_ms"] <= level["p99_ms"]
            assert level["throughput"] == pytest.approx(level["turns"] / level["seconds"])
            assert level["rasa_cpu_ms_per_turn"] > 0
    assert results["action_reply_check_ms"] > 0


@pytest.mark.live  # the smoke run trains models and starts servers
def test_smoke_run_leaves_no_server_running(smoke_run):
    pids = smoke_run["results"]["server_pids"]
    assert len(pids) == 3  # the action server and one Rasa server per setup
    assert not [pid for pid in pids if Path(f"/proc/{pid}").exists()]
    work = str(smoke_run["work"])
    left = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if work in cmdline:
                left.append(cmdline)
    assert not left


@pytest.mark.live
def test_smoke_run_has_the_analytics_job_beside_the_load(smoke_run):
    figures = smoke_run["results"]["analytics_load"]
    assert figures["turns"] > 0 and figures["events_written"] > 0
    assert figures["events_read"] + figures["catch_up_events"] >= figures["events_written"]  # nothing left unread
    assert figures["job_runs"] >= 1
    assert "## The analytics job beside the load test" in smoke_run["report"]
