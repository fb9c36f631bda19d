"""The Markdown report and the latency chart, from the results dictionary bench/run.py builds."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, List, Optional

from bench.metrics import ratio

MiB = 2**20


def describe_config(config) -> str:
    """ "pipeline A, B, C; policies X" from a config as run (older results lack it)."""
    if not config:
        return "as committed"
    names = lambda key: ", ".join(part["name"] for part in config.get(key) or [])  # noqa: E731
    return f"pipeline {names('pipeline')}; policies {names('policies')}"


def _num(value: Optional[float], digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _ratio(ours: Optional[float], default: Optional[float]) -> str:
    value = ratio(ours, default)
    return "n/a" if value is None else f"{value:.2f}×"


def _table(header: List[str], rows: List[List[str]]) -> List[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines + [""]


def _level(results: dict, name: str, concurrency: int) -> dict:
    return next(level for level in results[name]["load"] if level["concurrency"] == concurrency)


def targets(results: dict) -> List[dict]:
    """The goals of issue 7, each with both values and whether ours meets it."""
    ours, default = results["ours"], results["default"]
    top = max(results["levels"])
    o_top, d_top = _level(results, "ours", top), _level(results, "default", top)
    checks = [
        (
            "held-out intent accuracy ≥ default",
            ours["intent"]["accuracy"],
            default["intent"]["accuracy"],
            ours["intent"]["accuracy"] >= default["intent"]["accuracy"],
        ),
        (
            "held-out intent macro F1 ≥ default",
            ours["intent"]["macro_f1"],
            default["intent"]["macro_f1"],
            ours["intent"]["macro_f1"] >= default["intent"]["macro_f1"],
        ),
        (
            "held-out entity F1 ≥ default",
            ours["entities"]["f1"],
            default["entities"]["f1"],
            ours["entities"]["f1"] >= default["entities"]["f1"],
        ),
        (
            "CLINC150 false triage ≤ default",
            ours["false_triage"]["rate"],
            default["false_triage"]["rate"],
            ours["false_triage"]["rate"] <= default["false_triage"]["rate"],
        ),
        (
            "test stories right ≥ default",
            ours["stories"]["conversations_right"] / ours["stories"]["conversations"],
            default["stories"]["conversations_right"] / default["stories"]["conversations"],
            ours["stories"]["conversations_right"] >= default["stories"]["conversations_right"],
        ),
        (
            f"throughput at {top} conversations ≥ 2× default",
            o_top["throughput"],
            d_top["throughput"],
            o_top["throughput"] >= 2 * d_top["throughput"],
        ),
        (
            f"p95 latency at {top} conversations < default",
            o_top["p95_ms"],
            d_top["p95_ms"],
            o_top["p95_ms"] is not None and d_top["p95_ms"] is not None and o_top["p95_ms"] < d_top["p95_ms"],
        ),
    ]
    if ours.get("department") and default.get("department"):
        o, d = ours["department"]["rate"], default["department"]["rate"]
        checks.insert(4, ("CLINC150 messages getting a department ≤ default", o, d, o <= d))
    return [{"target": t, "ours": o, "default": d, "met": bool(m)} for t, o, d, m in checks]


def write_report(results: dict, path: Path, chart_name: str) -> None:
    ours, default, base = results["ours"], results["default"], results["baseline"]
    m, v = results["machine"], results["machine"]["versions"]
    lines: List[str] = ["# Benchmark: our config, Rasa's default config, a classic baseline", ""]
    lines.append(
        f"Measured **{results['date']}** by `make bench` (`python -m bench.run`"
        f"{' --smoke' if results['smoke'] else ''}), commit `{m['commit'] or 'unknown'}`, "
        f"in {results['total_seconds'] / 60:.1f} minutes."
    )
    if results["smoke"]:
        lines.append("")
        lines.append("**SMOKE RUN: 1 epoch per neural component, a few seconds of load. These figures mean nothing.**")
    if results.get("note"):
        lines += ["", f"**Note:** {results['note']}"]
    lines += ["", "## Machine", ""]
    lines += _table(
        ["", ""],
        [
            ["CPU cores", str(m["cores"])],
            ["CPU", m["cpu"]],
            ["memory", f"{m['memory_bytes'] / 2**30:.1f} GiB"],
            ["OS", m["os"]],
            ["load average (1, 5, 15 min) at start", ", ".join(f"{x:.2f}" for x in m["load_average_start"])],
            ["load average at end", ", ".join(f"{x:.2f}" for x in m.get("load_average_end", []))],
            ["Python", v["python"]],
            ["Rasa", v["rasa"]],
            ["rasa-sdk", v["rasa-sdk"]],
            ["TensorFlow", v["tensorflow"]],
            ["scikit-learn", v["scikit-learn"]],
            ["spaCy", v["spacy"]],
            ["aiohttp (load client)", v["aiohttp"]],
        ],
    )
    data = results["data"]
    lines += ["## What is compared", ""]
    lines += [
        f"- **ours**: `config.yml` ({describe_config(results['configs'].get('ours'))}; why each: its comments).",
        f"- **default**: Rasa {v['rasa']}'s own default config (`rasa/engine/recipes/config_files/default_config.yml` "
        "in the installed package, what an "
        "empty `config.yml` gets: DIET 100 epochs, ResponseSelector, TED and UnexpecTED 100 epochs), with "
        f"`random_seed: 42` added so runs repeat.",
        "- **baseline**: TF-IDF word 1-2-grams + char_wb 2-5-grams, logistic regression (scikit-learn, "
        "`bench/baseline.py`); no entities, no dialogue; the same fallback threshold as ours "
        f"({base['fallback']['threshold']}, ambiguity {base['fallback']['ambiguity_threshold']}).",
        "",
        f"All three train on the same data: `data/` ({base['train_examples']} NLU examples, including the CLINC150 "
        "out_of_scope examples); ours and default also on `domain.yml` and the stories and rules. They are "
        f"evaluated on `tests/nlu/holdout.yml` ({data['holdout_messages']} messages, {data['holdout_entities']} "
        f"entities; never trained on), on {data['clinc_messages']} CLINC150 messages held out from training "
        f"(`scripts/make_oos_nlu.py eval_messages()`), and on the {data['test_stories']} conversations of "
        "`tests/test_stories.yml`.",
        "",
    ]

    lines += ["## Targets", ""]
    rows = []
    for t in targets(results):
        fmt = (
            (lambda x: f"{x:.1f}")
            if "throughput" in t["target"]
            else ((lambda x: f"{x:.0f} ms") if "latency" in t["target"] else (lambda x: f"{x:.3f}"))
        )
        rows.append([t["target"], fmt(t["ours"]), fmt(t["default"]), "yes" if t["met"] else "**NO**"])
    lines += _table(["target", "ours", "default", "met"], rows)

    def three(title: str, get: Callable[[dict], Optional[float]], note: str, digits: int = 3) -> None:
        nonlocal lines
        o, d, b = get(ours), get(default), get(base)
        lines += [f"### {title}", "", note, ""]
        lines += _table(
            ["ours", "default", "baseline", "ours / default"],
            [[_num(o, digits), _num(d, digits), _num(b, digits), _ratio(o, d)]],
        )

    lines += ["## Accuracy", ""]
    three(
        "Intent accuracy, held-out file",
        lambda r: r["intent"]["accuracy"],
        "Share of held-out messages given the right intent (the classifier's choice before the fallback, as "
        "`rasa test nlu` counts it). Higher is better.",
    )
    three(
        "Intent macro F1, held-out file",
        lambda r: r["intent"]["macro_f1"],
        "F1 averaged over intents, each intent counting the same (Rasa's evaluation code). Higher is better.",
    )
    three(
        "Entity F1, held-out file",
        lambda r: r["entities"]["f1"] if r.get("entities") else None,
        "Strict spans: an entity counts only with the right type, start and end; micro-averaged. "
        "The baseline has no entity extractor (n/a). Higher is better.",
    )
    three(
        "False triage on CLINC150 everyday messages",
        lambda r: r["false_triage"]["rate"],
        "Share of messages that are not ours but get one of our request or question intents above the "
        "fallback threshold (greet, goodbye, thank, affirm, deny and out_of_scope do no harm). Lower is better.",
    )
    three(
        "CLINC150 everyday messages that would get a department",
        lambda r: r["department"]["rate"] if r.get("department") else None,
        "What `tests/model/test_model.py` limits to 5% (there on every 5th message): a request intent, or a "
        "fallback, inform or follow-up question whose entities name a request, as the actions answer it. "
        "The baseline has no entities, so only its request intents count. Lower is better.",
    )
    lines += [
        "### Test stories played through the server",
        "",
        "Each conversation of `tests/test_stories.yml` is sent turn by turn to the REST webhook; a "
        "conversation is right when the tracker shows exactly the story's actions after every turn. "
        "Higher is better. (The baseline has no dialogue model.)",
        "",
    ]
    lines += _table(
        ["", "ours", "default", "ours / default"],
        [
            [
                "conversations right",
                f"{ours['stories']['conversations_right']}/{ours['stories']['conversations']}",
                f"{default['stories']['conversations_right']}/{default['stories']['conversations']}",
                _ratio(ours["stories"]["conversations_right"], default["stories"]["conversations_right"]),
            ],
            [
                "turns right",
                f"{ours['stories']['turns_right']}/{ours['stories']['turns']}",
                f"{default['stories']['turns_right']}/{default['stories']['turns']}",
                _ratio(ours["stories"]["turns_right"], default["stories"]["turns_right"]),
            ],
        ],
    )

    def two(
        title: str, get: Callable[[dict], float], unit: str, note: str, digits: int = 1, baseline: Optional[str] = None
    ) -> None:
        nonlocal lines
        o, d = get(ours), get(default)
        lines += [f"### {title}", "", note, ""]
        header = ["ours", "default", "ours / default"] + (["baseline"] if baseline else [])
        row = [f"{o:.{digits}f} {unit}", f"{d:.{digits}f} {unit}", _ratio(o, d)] + ([baseline] if baseline else [])
        lines += _table(header, [row])

    lines += ["## Cost", ""]
    two(
        "Training time",
        lambda r: r["train_seconds"],
        "s",
        "Wall time of `rasa train` from a cold training cache (process start to model file).",
        baseline=f"{base['train_seconds']:.1f} s (fit only)",
    )
    two("Model size", lambda r: r["model_bytes"] / MiB, "MiB", "Size of the trained `.tar.gz`.")
    two(
        "Start-up time",
        lambda r: r["startup_seconds"],
        "s",
        "From starting `rasa run` until `/status` answers with the model loaded.",
    )
    two(
        "Resident memory after start-up",
        lambda r: r["rss_loaded_bytes"] / MiB,
        "MiB",
        "RSS of the `rasa run` process (and any children, from /proc) once the model is loaded.",
        digits=0,
    )
    two(
        "Resident memory after the load test",
        lambda r: r["rss_after_load_bytes"] / MiB,
        "MiB",
        "The same, after every concurrency level has run.",
        digits=0,
    )
    two("First turn", lambda r: r["first_turn_ms"], "ms", "Latency of the very first message after start-up.", digits=0)

    levels = results["levels"]
    lines += [
        "## Speed under load",
        "",
        f"Simulated users play the test-story conversations back to back through the REST webhook "
        f"(`POST /webhooks/rest/webhook`), each turn waiting for the bot's replies (NLU, policies, the "
        f"custom action on the action server, the SQLite tracker store). Each level runs "
        f"{results['duration_per_level_s']:.0f} s after a warm-up; one server at a time; the client "
        f"runs on the same machine.",
        "",
        f"![latency against concurrency]({chart_name})",
        "",
    ]

    def per_level(title: str, key: str, unit: str, note: str, digits: int) -> None:
        nonlocal lines
        rows = []
        for c in levels:
            o, d = _level(results, "ours", c)[key], _level(results, "default", c)[key]
            rows.append([str(c), _num(o, digits) + unit, _num(d, digits) + unit, _ratio(o, d)])
        lines += [f"### {title}", "", note, ""]
        lines += _table(["concurrent conversations", "ours", "default", "ours / default"], rows)

    per_level("Throughput", "throughput", " turns/s", "Turns answered per second. Higher is better.", 1)
    per_level("Latency p50", "p50_ms", " ms", "Median time for one turn. Lower is better.", 0)
    per_level("Latency p95", "p95_ms", " ms", "95th percentile. Lower is better.", 0)
    per_level("Latency p99", "p99_ms", " ms", "99th percentile. Lower is better.", 0)
    per_level(
        "Rasa server CPU per turn",
        "rasa_cpu_ms_per_turn",
        " ms",
        "CPU time (user + system, all threads, from /proc) the `rasa run` process used per turn. It "
        "depends far less on other work on the machine than the wall-clock figures. Lower is better.",
        1,
    )
    rows = []
    for c in levels:
        o, d = _level(results, "ours", c)["rasa_cpu_ms_per_turn"], _level(results, "default", c)["rasa_cpu_ms_per_turn"]
        o_rate, d_rate = (1000 / o if o else None), (1000 / d if d else None)
        rows.append([str(c), _num(o_rate, 1) + " turns/s", _num(d_rate, 1) + " turns/s", _ratio(o_rate, d_rate)])
    lines += [
        "### Throughput one free core would give (derived)",
        "",
        "1000 / (Rasa server CPU ms per turn): the turns per second the Rasa server (one Python process) "
        "could serve with a core to itself. An estimate, not a measurement, but it does not swing with "
        "other work on the machine the way the measured throughput does. Higher is better.",
        "",
    ]
    lines += _table(["concurrent conversations", "ours", "default", "ours / default"], rows)
    per_level(
        "Action server CPU per turn",
        "action_cpu_ms_per_turn",
        " ms",
        "The same for the action server (shared by both setups; the same actions run).",
        1,
    )
    rows = []
    for c in levels:
        o, d = _level(results, "ours", c), _level(results, "default", c)
        rows.append(
            [
                str(c),
                f"{o['turns']} / {o['errors']} / {o['empty_replies']}",
                f"{d['turns']} / {d['errors']} / {d['empty_replies']}",
            ]
        )
    lines += ["### Turns measured / errors / empty replies", ""]
    lines += _table(["concurrent conversations", "ours", "default"], rows)

    top = max(levels)
    o_top, d_top = _level(results, "ours", top), _level(results, "default", top)
    check = results["action_reply_check_ms"]
    lines += [
        "## Where a turn's time goes",
        "",
        "NLU alone, CPU of the Rasa server per `/model/parse` call on the CLINC150 messages:",
        "",
    ]
    lines += _table(
        ["ours", "default", "ours / default"],
        [
            [
                f"{ours['parse_cpu_ms']:.1f} ms",
                f"{default['parse_cpu_ms']:.1f} ms",
                _ratio(ours["parse_cpu_ms"], default["parse_cpu_ms"]),
            ]
        ],
    )
    lines += [
        f"A whole turn at {top} conversations costs the Rasa server {_num(o_top['rasa_cpu_ms_per_turn'], 1)} ms "
        f"(ours) and {_num(d_top['rasa_cpu_ms_per_turn'], 1)} ms (default) of CPU. Most of it is the same for "
        "both setups: the SQLite tracker store, the call to the action server and, for every custom action "
        f"reply, Rasa's JSON-schema check of that reply, measured here at **{check:.1f} ms** of CPU per reply "
        "(Rasa 3.6 runs jsonschema's `validate()`, which also re-checks the schema itself each time). "
        "These shared costs bound how far the config alone can move the whole-turn ratio.",
        "",
    ]
    cost = results.get("step_cost")
    if cost:
        from bench.step_cost import PARTS

        lines += [
            "## The conversation step (action server, same for both configs)",
            "",
            f"CPU per message of each part of `triage/converse.step`, on the {cost['n']} user messages of the open "
            "conversation test set (`bench/step_cost.py`, best of 3 runs per message). What it buys is measured "
            "by the conversation tests (`docs/evaluation.md`).",
            "",
        ]
        lines += _table(
            ["part", "mean", "p95"],
            [[name, f"{cost[name]['mean_ms']:.2f} ms", f"{cost[name]['p95_ms']:.2f} ms"] for name in PARTS],
        )
        lines += [""]
    if results.get("analytics_load"):
        from bench.analytics_load import report_lines

        lines += report_lines(results["analytics_load"])
    path.write_text("\n".join(lines).rstrip() + "\n")


def write_chart(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    levels = results["levels"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    colours = {"ours": "tab:blue", "default": "tab:orange"}
    for name in ("ours", "default"):
        load = [next(x for x in results[name]["load"] if x["concurrency"] == c) for c in levels]
        for key, style in (("p50_ms", "-"), ("p95_ms", "--"), ("p99_ms", ":")):
            left.plot(levels, [x[key] for x in load], style, marker="o", color=colours[name], label=f"{name} {key[:3]}")
        right.plot(levels, [x["throughput"] for x in load], "-", marker="o", color=colours[name], label=name)
    for axis in (left, right):
        axis.set_xscale("log", base=2)
        axis.set_xticks(levels)
        axis.set_xticklabels([str(c) for c in levels])
        axis.set_xlabel("concurrent conversations")
        axis.grid(True, alpha=0.3)
        axis.legend(fontsize=8)
    left.set_ylabel("latency per turn (ms)")
    left.set_yscale("log")
    left.set_title("Latency")
    right.set_ylim(bottom=0)
    right.set_ylabel("turns per second")
    right.set_title("Throughput")
    fig.suptitle(f"REST webhook, whole turns ({results['date']}{', SMOKE' if results['smoke'] else ''})")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main() -> None:
    """Rewrite report.md and latency.png from a results.json: python -m bench.report bench/results/results.json"""
    import json
    import sys

    source = Path(sys.argv[1])
    results = json.loads(source.read_text())
    write_chart(results, source.parent / "latency.png")
    write_report(results, source.parent / "report.md", chart_name="latency.png")


if __name__ == "__main__":
    main()
