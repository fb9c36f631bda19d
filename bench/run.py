"""Benchmark: our config against Rasa's default config and a classic baseline, in one run.

    python -m bench.run            # what `make bench` runs (under 15 minutes)
    python -m bench.run --smoke    # tiny epochs, tiny load: checks the script works

On the same data split (train on data/, evaluate on tests/nlu/holdout.yml and
the CLINC150 messages held out by scripts/make_oos_nlu.py), it

1. trains our config (config.yml) and Rasa 3.6's default config (read from the
   installed Rasa package) on the project's domain, NLU data and stories, with
   a cold training cache, timing each and measuring the model file;
2. trains the TF-IDF + logistic regression baseline (bench/baseline.py);
3. starts an action server and, one at a time, a Rasa server for each model
   (as servers/serve.py does: REST channel, HTTP API, SQLite tracker store),
   measures start-up time and resident memory, gets the NLU result of every
   evaluation message from /model/parse, plays the test stories through the
   REST webhook, then runs whole conversations at each concurrency level;
4. writes report.md, results.json and latency.png into bench/results/.

Seeds are fixed (Rasa components, the baseline, the order of the load), and
every server is stopped on exit, on failure and on Ctrl-C.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import platform
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import yaml

from bench import load as loadgen
from bench import metrics, servers
from bench.baseline import Baseline
from bench.report import write_chart, write_report

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOLDOUT = ROOT / "tests" / "nlu" / "holdout.yml"
TEST_STORIES = ROOT / "tests" / "test_stories.yml"
SEED = 42
SETUPS = ("ours", "default")
TRAINED_COMPONENTS = {"DIETClassifier", "ResponseSelector", "TEDPolicy", "UnexpecTEDIntentPolicy"}


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- configs -------------------------------------------------------------------------


def rasa_default_config_path() -> Path:
    """rasa/engine/recipes/config_files/default_config.yml in the installed Rasa package."""
    import importlib.util

    package = Path(importlib.util.find_spec("rasa").submodule_search_locations[0])
    return package / "engine" / "recipes" / "config_files" / "default_config.yml"


def default_config() -> dict:
    """Rasa's own default (what an empty config.yml gets), with fixed seeds."""
    config = yaml.safe_load(rasa_default_config_path().read_text())
    config["assistant_id"] = "bench-rasa-default"
    for item in config["pipeline"] + config["policies"]:
        if item["name"] in TRAINED_COMPONENTS:
            item.setdefault("random_seed", SEED)
    return config


def smoke(config: dict) -> dict:
    """Tiny epochs for every component that trains a neural network."""
    for item in config.get("pipeline", []) + config.get("policies", []):
        if item["name"] in TRAINED_COMPONENTS:
            item["epochs"] = 1
    return config


def fallback_settings(config: dict) -> Tuple[float, float]:
    for item in config.get("pipeline", []):
        if item["name"] == "FallbackClassifier":
            return float(item.get("threshold", 0.3)), float(item.get("ambiguity_threshold", 0.1))
    return 0.0, 0.0


def write_configs(work: Path, is_smoke: bool) -> Dict[str, Path]:
    ours = yaml.safe_load((ROOT / "config.yml").read_text())
    default = default_config()
    paths = {}
    for name, config in (("ours", ours), ("default", default)):
        if is_smoke:
            config = smoke(config)
        path = work / f"config_{name}.yml"
        if name == "ours" and not is_smoke:
            shutil.copyfile(ROOT / "config.yml", path)  # exactly the file, comments and all
        else:
            path.write_text(yaml.safe_dump(config, sort_keys=False))
        paths[name] = path
    return paths


# --- training ------------------------------------------------------------------------


def train(name: str, config: Path, work: Path, env: Dict[str, str], is_smoke: bool) -> dict:
    cache = work / f"cache_{name}"
    shutil.rmtree(cache, ignore_errors=True)  # a cold cache: nothing reused between runs
    models = work / "models"
    models.mkdir(exist_ok=True)
    out = models / f"{name}.tar.gz"
    out.unlink(missing_ok=True)
    cmd = [
        str(BIN / "rasa"),
        "train",
        "--config",
        str(config),
        "--domain",
        "domain.yml",
        "--data",
        "data",
        "--out",
        str(models),
        "--fixed-model-name",
        name,
    ] + (["--augmentation", "0"] if is_smoke else [])
    log_file = work / f"train_{name}.log"
    started = time.monotonic()
    with open(log_file, "w") as handle:
        result = subprocess.run(
            cmd,
            cwd=ROOT,
            env={**env, "RASA_CACHE_DIRECTORY": str(cache)},
            stdout=handle,
            stderr=subprocess.STDOUT,
            # Rasa's default config (DIET, 100 epochs) took 29 min on 2 cores with 2,700
            # examples and passed 30 min after 350 more were added: allow an hour.
            timeout=3600,
        )
    seconds = time.monotonic() - started
    if result.returncode != 0 or not out.exists():
        raise RuntimeError(f"training {name} failed; end of {log_file}:\n{log_file.read_text()[-3000:]}")
    shutil.rmtree(cache, ignore_errors=True)
    return {"seconds": seconds, "model": str(out), "bytes": out.stat().st_size}


# --- data ----------------------------------------------------------------------------


def nlu_examples(path: Path) -> List[dict]:
    """Intent examples of an NLU file, or of every NLU file in a folder (as `rasa train` reads them)."""
    from rasa.shared.data import get_data_files, is_nlu_file
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.shared.nlu.training_data.training_data import TrainingData

    files = sorted(get_data_files([str(path)], is_nlu_file))
    data = TrainingData().merge(*(load_data(f) for f in files))
    out = []
    for message in data.intent_examples:
        out.append(
            {
                "text": message.get("text"),
                "intent": message.get("intent"),
                "spans": metrics.spans_from_entities(message.get("entities") or []),
            }
        )
    return out


def clinc_messages(is_smoke: bool) -> List[str]:
    from scripts.make_oos_nlu import eval_messages

    texts = eval_messages()
    return texts[::40] if is_smoke else texts


def story_scenarios() -> List[Tuple[str, List[Tuple[str, List[str]]]]]:
    """(name, [(user text, [expected actions])]) for every story of tests/test_stories.yml."""
    stories = []
    for story in yaml.safe_load(TEST_STORIES.read_text())["stories"]:
        turns: List[Tuple[str, List[str]]] = []
        for step in story["steps"]:
            if "user" in step:
                turns.append((step["user"].strip(), []))
            elif "action" in step and turns:
                turns[-1][1].append(step["action"])
        stories.append((story["story"], turns))
    return stories


# --- evaluation ----------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _content():
    from triage.content import load_content

    return load_content()


def gets_department(intent: str, entities: List[dict]) -> bool:
    """Would this message, first in a conversation, get a department? (as tests/model/test_model.py counts it)"""
    from actions.action_answer_followup import TOPIC_FOR_INTENT
    from triage.engine import REQUEST_INTENTS, Facts, request_from_entities
    from triage.vocabulary import facts_from_entities

    if intent in REQUEST_INTENTS:
        return True
    if intent in {metrics.FALLBACK_INTENT, "inform", *TOPIC_FOR_INTENT} and entities:
        return request_from_entities(Facts(**facts_from_entities(_content(), entities))) is not None
    return False


def department_rate(pairs: List[Tuple[str, List[dict]]]) -> dict:
    wrong = sum(1 for intent, entities in pairs if gets_department(intent, entities))
    return {"wrong": wrong, "n": len(pairs), "rate": wrong / len(pairs)}


def nlu_figures(holdout: List[dict], holdout_parsed: List[dict], clinc_parsed: List[dict]) -> dict:
    """Figures from Rasa NLU results (POST /model/parse)."""
    from rasa.nlu.classifiers.fallback_classifier import is_fallback_classifier_prediction, undo_fallback_prediction

    raw = [undo_fallback_prediction(p) if is_fallback_classifier_prediction(p) else p for p in holdout_parsed]
    intents = metrics.intent_scores([h["intent"] for h in holdout], [p["intent"]["name"] for p in raw])
    entities = metrics.entity_f1(
        [h["spans"] for h in holdout], [metrics.spans_from_entities(p.get("entities") or []) for p in holdout_parsed]
    )
    triage = metrics.false_triage([p["intent"]["name"] for p in clinc_parsed])
    department = department_rate([(p["intent"]["name"], p.get("entities") or []) for p in clinc_parsed])
    return {"intent": intents, "entities": entities, "false_triage": triage, "department": department}


def baseline_figures(holdout: List[dict], clinc: List[str], threshold: float, ambiguity: float) -> dict:
    training = nlu_examples(ROOT / "data")
    started = time.monotonic()
    model = Baseline().fit([e["text"] for e in training], [e["intent"] for e in training])
    seconds = time.monotonic() - started
    ranked = model.rank([h["text"] for h in holdout])
    intents = metrics.intent_scores([h["intent"] for h in holdout], [r[0][0] for r in ranked])
    started = time.monotonic()
    clinc_ranked = model.rank(clinc)
    per_message = (time.monotonic() - started) / len(clinc)
    finals = [metrics.apply_fallback(r, threshold, ambiguity) for r in clinc_ranked]
    triage = metrics.false_triage(finals)
    department = department_rate([(intent, []) for intent in finals])  # no entities: only request intents count
    return {
        "intent": intents,
        "entities": None,
        "false_triage": triage,
        "department": department,
        "train_seconds": seconds,
        "train_examples": len(training),
        "predict_ms_per_message": per_message * 1000,
        "fallback": {"threshold": threshold, "ambiguity_threshold": ambiguity},
    }


def story_figures(outcomes: List[dict]) -> dict:
    turns = sum(len(o["expected"]) for o in outcomes)
    right_turns = sum(1 for o in outcomes for e, g in zip(o["expected"], o["got"]) if e == g)
    right = [o for o in outcomes if o["expected"] == o["got"]]
    return {
        "conversations": len(outcomes),
        "conversations_right": len(right),
        "turns": turns,
        "turns_right": right_turns,
        "wrong": [o for o in outcomes if o["expected"] != o["got"]],
    }


def level_figures(result: loadgen.LevelResult, rasa_cpu: float, action_cpu: float) -> dict:
    lat = [s * 1000 for s in result.latencies]
    figures = {
        "rasa_cpu_ms_per_turn": rasa_cpu * 1000 / len(lat) if lat else None,
        "action_cpu_ms_per_turn": action_cpu * 1000 / len(lat) if lat else None,
        "concurrency": result.concurrency,
        "turns": len(lat),
        "errors": result.errors,
        "empty_replies": result.empty,
        "conversations": result.conversations,
        "seconds": result.elapsed,
        "throughput": len(lat) / result.elapsed if result.elapsed else 0.0,
    }
    for q in (50, 95, 99):
        figures[f"p{q}_ms"] = metrics.percentile(lat, q) if lat else None
    return figures


def serve_and_measure(
    name: str,
    model: Path,
    work: Path,
    env: Dict[str, str],
    action: servers.ActionServer,
    holdout: List[dict],
    clinc: List[str],
    stories,
    levels: List[int],
    duration: float,
) -> dict:
    server = servers.RasaServer(name, model, work, env, action.url)
    try:
        startup = server.wait()
        time.sleep(1)
        rss_loaded = server.rss()
        log(f"{name}: up in {startup:.1f} s, RSS {rss_loaded / 2**20:.0f} MiB")
        scenarios = [[text for text, _ in turns] for _, turns in stories]
        first_turn = loadgen.warm_up(server.base, scenarios, name)
        holdout_parsed = loadgen.parse_all(server.base, server.token, [h["text"] for h in holdout])
        cpu = server.cpu()
        clinc_parsed = loadgen.parse_all(server.base, server.token, clinc)
        parse_cpu_ms = (server.cpu() - cpu) * 1000 / len(clinc)
        (work / f"predictions_{name}.json").write_text(json.dumps({"holdout": holdout_parsed, "clinc": clinc_parsed}))
        figures = nlu_figures(holdout, holdout_parsed, clinc_parsed)
        figures["parse_cpu_ms"] = parse_cpu_ms
        figures["stories"] = story_figures(loadgen.replay_stories(server.base, server.token, stories, name))
        log(
            f"{name}: intent macro F1 {figures['intent']['macro_f1']:.3f}, "
            f"false triage {figures['false_triage']['rate']:.1%}, "
            f"stories {figures['stories']['conversations_right']}/{figures['stories']['conversations']}"
        )
        figures["load"] = []
        for concurrency in levels:
            rasa_cpu, action_cpu = server.cpu(), action.cpu()
            level = loadgen.run_level(server.base, scenarios, concurrency, duration, name)
            result = level_figures(level, server.cpu() - rasa_cpu, action.cpu() - action_cpu)
            figures["load"].append(result)
            log(
                f"{name}: {concurrency} conversations: {result['throughput']:.1f} turns/s, "
                f"p50 {result['p50_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms, errors {result['errors']}, "
                f"server CPU {result['rasa_cpu_ms_per_turn']:.0f} ms/turn"
            )
        figures["startup_seconds"] = startup
        figures["first_turn_ms"] = first_turn * 1000
        figures["rss_loaded_bytes"] = rss_loaded
        figures["rss_after_load_bytes"] = server.rss()
        return figures
    finally:
        server.close()


def action_reply_check_ms(repeat: int = 30) -> float:
    """CPU ms Rasa spends checking one custom action's reply against its JSON schema.

    Rasa 3.6 calls jsonschema's `validate()` on every reply of the action
    server, which checks the schema itself each time. A typical triage reply:
    five messages and eleven slots.
    """
    from jsonschema import validate
    from rasa.core.actions.action import RemoteAction

    reply = {
        "events": [{"event": "slot", "name": f"slot_{i}", "value": "value", "timestamp": None} for i in range(11)],
        "responses": [{"text": "words " * 40, "buttons": [], "custom": {}} for _ in range(5)],
    }
    schema = RemoteAction.action_response_format_spec()
    started = time.process_time()
    for _ in range(repeat):
        validate(reply, schema)
    return (time.process_time() - started) * 1000 / repeat


# --- machine -------------------------------------------------------------------------


def versions() -> Dict[str, str]:
    from importlib.metadata import version

    out = {"python": platform.python_version()}
    for package in ("rasa", "rasa-sdk", "tensorflow", "scikit-learn", "spacy", "aiohttp", "matplotlib"):
        try:
            out[package] = version(package)
        except Exception:  # noqa: BLE001 - a missing package is reported as such
            out[package] = "not installed"
    return out


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=10
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
        if commit and changed:
            commit += " + uncommitted changes"
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory_bytes": memory,
        "os": platform.platform(),
        "load_average_start": os.getloadavg(),
        "commit": commit,
        "versions": versions(),
    }


# --- main ----------------------------------------------------------------------------


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny epochs and a tiny load: checks the script works")
    parser.add_argument("--out", type=Path, default=None, help="where the report goes (default bench/results)")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "bench", help="models, logs, tracker DBs")
    parser.add_argument("--duration", type=float, default=None, help="seconds of load per concurrency level")
    parser.add_argument("--levels", default="1,8,32", help="concurrent conversations, comma-separated")
    parser.add_argument("--note", default="", help="a line printed under the report's title")
    args = parser.parse_args(argv)

    out = args.out or (ROOT / "bench" / "results")
    duration = args.duration if args.duration is not None else (2.0 if args.smoke else 20.0)
    levels = [int(x) for x in args.levels.split(",")]
    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    servers.install_cleanup()

    started = time.monotonic()
    env = {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "PYTHONPATH": str(ROOT),
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "PYTHONHASHSEED": "0",
        # endpoints.yml names ${ACTION_SERVER_TOKEN}: the bench's own servers get one
        # even when it is run by hand, outside `make bench`.
        "ACTION_SERVER_TOKEN": os.environ.get("ACTION_SERVER_TOKEN") or secrets.token_urlsafe(24),
    }
    results: dict = {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "smoke": args.smoke,
        "note": args.note,
        "machine": machine(),
        "levels": levels,
        "duration_per_level_s": duration,
    }
    configs = write_configs(work, args.smoke)
    source = rasa_default_config_path()
    results["configs"] = {
        "default_source": str(source.relative_to(source.parents[4])),
        "default": yaml.safe_load(configs["default"].read_text()),
        "ours": yaml.safe_load(configs["ours"].read_text()),
    }

    holdout = nlu_examples(HOLDOUT)
    clinc = clinc_messages(args.smoke)
    stories = story_scenarios()
    results["data"] = {
        "holdout_messages": len(holdout),
        "holdout_entities": sum(len(h["spans"]) for h in holdout),
        "clinc_messages": len(clinc),
        "test_stories": len(stories),
    }

    trained = {}
    for name in SETUPS:
        log(f"training {name} ({configs[name].name})")
        trained[name] = train(name, configs[name], work, env, args.smoke)
        log(f"{name}: trained in {trained[name]['seconds']:.0f} s, {trained[name]['bytes'] / 2**20:.1f} MiB")

    ours_config = yaml.safe_load(configs["ours"].read_text())
    threshold, ambiguity = fallback_settings(ours_config)
    log("baseline: TF-IDF + logistic regression")
    results["baseline"] = baseline_figures(holdout, clinc, threshold, ambiguity)

    action_server = servers.ActionServer(work, env)
    try:
        action_server.wait()
        for name in SETUPS:
            figures = serve_and_measure(
                name, Path(trained[name]["model"]), work, env, action_server, holdout, clinc, stories, levels, duration
            )
            figures["train_seconds"] = trained[name]["seconds"]
            figures["model_bytes"] = trained[name]["bytes"]
            figures["fallback"] = dict(
                zip(("threshold", "ambiguity_threshold"), fallback_settings(yaml.safe_load(configs[name].read_text())))
            )
            results[name] = figures
    finally:
        action_server.close()
        servers.stop_all()

    results["server_pids"] = list(servers.STARTED_PIDS)
    results["action_reply_check_ms"] = action_reply_check_ms()
    from bench import step_cost

    # the conversation step (same for both configs: it runs in the action server)
    results["step_cost"] = step_cost.measure(limit=60 if args.smoke else 0)
    from bench import analytics_load

    # the analytics job beside the load test, with our model (bench/analytics_load.py)
    log("analytics job beside the load test")
    try:
        results["analytics_load"] = analytics_load.measure(
            Path(trained["ours"]["model"]),
            work,
            env,
            seconds=5 if args.smoke else 60,
            users=5 if args.smoke else 50,
            interval=2.0 if args.smoke else 10.0,
        )
    finally:
        servers.stop_all()
    results["machine"]["load_average_end"] = os.getloadavg()
    results["total_seconds"] = time.monotonic() - started
    (out / "results.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    write_chart(results, out / "latency.png")
    write_report(results, out / "report.md", chart_name="latency.png")
    log(f"done in {results['total_seconds'] / 60:.1f} min: {out / 'report.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
