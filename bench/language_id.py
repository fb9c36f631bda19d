"""How well the conversation's language is told (triage.language), no servers.

    python -m bench.language_id

On every user message of the open conversation test set (tests/conversations/,
written by independent writers; the Spanish files by Spanish-writing helpers):

- the first message of each conversation: language set right, left unknown
  (answered in English until a later message tells), or set wrong;
- every later message, with the conversation's own language already set: how
  often it would flip the language (the rule keeps short replies from flipping);
- the detector alone (``triage.language.detect``) by message length.

The blind part is never read here.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Dict, List

import yaml

from tests.conversations import harness
from triage.language import _phrase, decide, detect

BUCKETS = ((1, 1, "1 word"), (2, 2, "2 words"), (3, 5, "3-5 words"), (6, 10_000, "6+ words"))


def bucket(text: str) -> str:
    count = len(_phrase(text).split())
    return next((name for low, high, name in BUCKETS if low <= count <= high), "no words")


def spanish_training_examples() -> List[str]:
    texts = []
    for path in sorted(Path("data").glob("nlu_es_writer_*.yml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            texts += [line[2:].strip() for line in item["examples"].splitlines() if line.startswith("- ")]
    return texts


def main() -> int:
    conversations = harness.load()
    first: Dict[str, Counter] = defaultdict(Counter)
    flips: Dict[str, Counter] = defaultdict(Counter)
    alone: Dict[str, Counter] = defaultdict(Counter)
    for conversation in conversations:
        language = conversation["language"]
        texts = [turn["user"] for turn in conversation["turns"]]
        got = decide(None, False, texts[0]).language
        first[language]["right" if got == language else "unknown" if got is None else "wrong"] += 1
        for text in texts[1:]:
            flips[language]["flipped" if decide(language, False, text).language != language else "kept"] += 1
        for text in texts:
            found, _ = detect(text)
            alone[f"{language} {bucket(text)}"]["right" if found == language else "wrong"] += 1
    print("First message of a conversation (language set right / left unknown / set wrong):")
    for language, counts in sorted(first.items()):
        total = sum(counts.values())
        print(
            f"  {language}: {counts['right']}/{total} right ({100 * counts['right'] / total:.1f}%), "
            f"{counts['unknown']} unknown, {counts['wrong']} wrong"
        )
    print("Later messages that would flip the conversation's language:")
    for language, counts in sorted(flips.items()):
        total = sum(counts.values())
        print(f"  {language}: {counts['flipped']}/{total} ({100 * counts['flipped'] / max(total, 1):.1f}%)")
    examples = spanish_training_examples()
    counts = Counter(
        "right" if got == "es" else "unknown" if got is None else "wrong"
        for got in (decide(None, False, text).language for text in examples)
    )
    print(
        f"Spanish NLU examples (data/nlu_es_writer_*.yml, independent writers) as first messages: "
        f"{counts['right']}/{len(examples)} Spanish, {counts['unknown']} unknown, {counts['wrong']} English"
    )
    print("The detector alone, by message length (right / all):")
    for key, counts in sorted(alone.items()):
        total = sum(counts.values())
        print(f"  {key:<16} {counts['right']}/{total} ({100 * counts['right'] / total:.1f}%)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
