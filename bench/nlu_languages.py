"""One bilingual NLU model, or one model per language behind a router? (issue 15)

    python -m bench.nlu_languages          # ~5 minutes: trains three NLU models
    python -m bench.nlu_languages --lemmas # ~4 minutes: the bilingual model with and
                                           # without Spanish lemmas in the spaCy pipeline

Trains, with our config.yml, in a temporary folder:

- bilingual: the English training data and the Spanish data of writer A (plus our
  Spanish small talk);
- English only: the English training data;
- Spanish only: writer A's Spanish data and our Spanish small talk;

and measures intent accuracy and macro F1 on two sets no model trained on:
English ``tests/nlu/holdout.yml`` and Spanish ``data/nlu_es_writer_b.yml`` (by a
second independent writer; the production model trains on it, these do not).
The router picks the model by ``triage.language.detect`` on each message, as a
router in front of two models would. Prints a table; nothing is written.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Dict, List, Tuple

ROOT = Path(__file__).resolve().parents[1]
RASA = str(Path(sys.executable).parent / "rasa")
SPANISH_TRAIN = ["nlu_es_writer_a.yml", "nlu_es_small_talk.yml"]
SPANISH_TEST = ROOT / "data" / "nlu_es_writer_b.yml"
ENGLISH_TEST = ROOT / "tests" / "nlu" / "holdout.yml"


def examples(path: Path) -> List[Tuple[str, str]]:
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    return [(m.get("text"), m.get("intent")) for m in data.intent_examples]


def train(name: str, files: List[Path], work: Path, config: str = "config.yml") -> Path:
    folder = work / name
    folder.mkdir()
    for path in files:
        shutil.copy(path, folder / path.name)
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    out = work / "models"
    subprocess.run(
        [
            RASA,
            "train",
            "nlu",
            "--config",
            config,
            "--nlu",
            str(folder),
            "--out",
            str(out),
            "--fixed-model-name",
            name,
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return out / f"{name}.tar.gz"


def predict(model: Path, texts: List[str]) -> List[str]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))

    async def go():
        return [(await agent.parse_message(t))["intent"]["name"] for t in texts]

    return asyncio.run(go())


def scores(gold: List[str], got: List[str]) -> Tuple[float, float]:
    from sklearn.metrics import f1_score

    accuracy = sum(g == p for g, p in zip(gold, got)) / len(gold)
    return accuracy, float(f1_score(gold, got, average="macro", labels=sorted(set(gold)), zero_division=0))


def lemmas() -> int:
    """The bilingual model on two spaCy pipelines: English lemmas only, and English
    plus the Spanish lemmas of the words in the Spanish data (nlu_pipeline/build.py)."""
    from nlu_pipeline.build import build

    data = ROOT / "data"
    english = [p for p in sorted(data.glob("nlu*.yml")) if not p.name.startswith("nlu_es_")]
    spanish = [data / name for name in SPANISH_TRAIN]
    sets = {"English holdout": examples(ENGLISH_TEST), "Spanish, writer B": examples(SPANISH_TEST)}
    rows: Dict[str, Dict[str, Tuple[float, float]]] = {s: {} for s in sets}
    with tempfile.TemporaryDirectory(prefix="nlu-lemmas-") as tmp:
        work = Path(tmp)
        for name, with_spanish in (("English lemmas only", False), ("English + Spanish lemmas", True)):
            key = "es" if with_spanish else "en"
            pipeline = build(work / f"pipeline_{key}", spanish=with_spanish)
            config = work / f"config_{key}.yml"
            text = (ROOT / "config.yml").read_text(encoding="utf-8")
            assert "model: build/spacy_pipeline" in text
            config.write_text(text.replace("model: build/spacy_pipeline", f"model: {pipeline}"), encoding="utf-8")
            model = train(f"bilingual_{key}", english + spanish, work, str(config))
            for set_name, pairs in sets.items():
                texts, gold = [t for t, _ in pairs], [i for _, i in pairs]
                rows[set_name][name] = scores(gold, predict(model, texts))
    print("| bilingual model | " + " | ".join(f"{s}: accuracy / macro F1 (n={len(sets[s])})" for s in sets) + " |")
    print("|---|" + "---|" * len(sets))
    for name in rows["English holdout"]:
        print(f"| {name} | " + " | ".join(f"{rows[s][name][0]:.3f} / {rows[s][name][1]:.3f}" for s in sets) + " |")
    return 0


def main() -> int:
    if "--lemmas" in sys.argv[1:]:
        return lemmas()
    from triage.language import detect

    data = ROOT / "data"
    english = [p for p in sorted(data.glob("nlu*.yml")) if not p.name.startswith("nlu_es_")]
    spanish = [data / name for name in SPANISH_TRAIN]
    sets = {"English holdout": examples(ENGLISH_TEST), "Spanish, writer B": examples(SPANISH_TEST)}
    with tempfile.TemporaryDirectory(prefix="nlu-languages-") as tmp:
        work = Path(tmp)
        models = {
            "bilingual": train("bilingual", english + spanish, work),
            "english": train("english", english, work),
            "spanish": train("spanish", spanish, work),
        }
        rows: Dict[str, Dict[str, Tuple[float, float]]] = {}
        for set_name, pairs in sets.items():
            texts, gold = [t for t, _ in pairs], [i for _, i in pairs]
            by_model = {name: predict(path, texts) for name, path in models.items()}
            routed = [by_model["spanish" if detect(t)[0] == "es" else "english"][n] for n, t in enumerate(texts)]
            rows[set_name] = {
                "bilingual model": scores(gold, by_model["bilingual"]),
                "router (one model per language)": scores(gold, routed),
                "English-only model": scores(gold, by_model["english"]),
                "Spanish-only model": scores(gold, by_model["spanish"]),
            }
    print("| model | " + " | ".join(f"{s}: accuracy / macro F1 (n={len(sets[s])})" for s in sets) + " |")
    print("|---|" + "---|" * len(sets))
    for model in rows["English holdout"]:
        cells = [f"{rows[s][model][0]:.3f} / {rows[s][model][1]:.3f}" for s in sets]
        print(f"| {model} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
