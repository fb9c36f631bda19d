"""How well ``privacy.masking.mask`` masks people's names, and what it costs.

    python -m bench.name_masking

Prints:

1. recall: sentences made from varied templates (introduced names in English and
   Spanish, some typed in lower case, and bare "First Last") with names drawn from
   the census lists of package ``names`` (as ``names.get_full_name`` draws them: by
   frequency, and also uniformly from the whole lists); a sentence counts when no
   word of the name survives;
2. false positives: every user message of the open conversation test set
   (tests/conversations/writer*.yml, written by independent writers; never the blind
   part) that got a ``[name]``, listed so a person can check it held a name;
3. CPU per message of ``mask`` with and without the name rules (perf_counter, best of
   several rounds over those messages).
"""

from __future__ import annotations

import random
import re
import time
from importlib import resources
from pathlib import Path
from typing import Callable, List, Tuple

import yaml

from privacy import masking

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = [
    "my name is {first} {last} and I need my records",
    "my name is {lfirst} {llast} and i need a copy of my chart",
    "Hi, I'm {first} {last}. I need my X-rays sent to Dr. {last2}",
    "hi im {lfirst}, can i get my lab results",
    "I am {first} {last}, the patient",
    "This is {first} {last} calling about a records request",
    "I'm calling for my mother {first} {last}, she needs her FMLA form",
    "for my dad {first} who is in the hospital",
    "my daughter {first} needs her vaccination records for school",
    "my husband, {first} {last}, was seen in Tacoma last week",
    "{first} {last} needs her chart sent to her new doctor",
    "Can you send {first} {last}'s imaging to Seattle?",
    "please fax the records for {first} {last} to the lawyer",
    "patient name: {first} {last}",
    "patient: {lfirst} {llast} dob 3/4/1980",
    "on behalf of {first} {last}, I am requesting her records",
    "Mrs. {last} needs a copy of her mammogram",
    "me llamo {first} {last} y necesito mis expedientes",
    "mi nombre es {lfirst} {llast}",
    "soy {first} {last}, la paciente",
    "necesito los récords para mi madre {first} {last}",
    "Name: {first} {last}  Reason: disability paperwork",
    "I talked to {first} {last} at Release of Information",
    "the patient is {first} {last} and he moved to Spokane",
]


def _census(filename: str) -> List[Tuple[str, float]]:
    text = (resources.files("names") / filename).read_text(encoding="ascii")
    return [(row[0].capitalize(), float(row[2])) for row in (line.split() for line in text.splitlines() if line)]


def _draw(rows: List[Tuple[str, float]], rng: random.Random, by_frequency: bool) -> str:
    if not by_frequency:
        return rng.choice(rows)[0]
    point = rng.random() * rows[-1][1]
    return next(name for name, cumulative in rows if cumulative >= point)


def recall(n: int, by_frequency: bool, seed: int = 1) -> Tuple[int, int, List[str]]:
    rng = random.Random(seed)
    firsts = _census("dist.female.first") + _census("dist.male.first")
    firsts.sort(key=lambda row: row[1])
    lasts = _census("dist.all.last")
    masked, missed = 0, []
    for i in range(n):
        first, last, last2 = _draw(firsts, rng, by_frequency), _draw(lasts, rng, by_frequency), _draw(lasts, rng, True)
        template = TEMPLATES[i % len(TEMPLATES)]
        sentence = template.format(first=first, last=last, last2=last2, lfirst=first.lower(), llast=last.lower())
        out = masking.mask(sentence)
        used = [first] + ([last] if "last}" in template else [])
        if any(re.search(rf"\b{re.escape(w)}\b", out, re.IGNORECASE) for w in used):
            missed.append(f"{sentence!r} -> {out!r}")
        else:
            masked += 1
    return masked, n, missed


def messages() -> List[str]:
    texts = []
    for path in sorted((ROOT / "tests" / "conversations").glob("writer*.yml")):
        for conversation in yaml.safe_load(path.read_text(encoding="utf-8"))["conversations"]:
            texts += [turn["user"] for turn in conversation["turns"] if turn.get("user")]
    return texts


def cpu_us(fn: Callable[[str], str], texts: List[str], rounds: int = 5) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for text in texts:
            fn(text)
        best = min(best, time.perf_counter() - start)
    return best / len(texts) * 1e6


def main() -> None:
    for by_frequency in (True, False):
        masked, n, missed = recall(480, by_frequency)
        how = "by frequency (as names.get_full_name)" if by_frequency else "uniformly from the whole lists"
        print(f"recall, names drawn {how}: {masked}/{n} = {masked / n:.1%} sentences with no name word left")
        for line in missed[:15]:
            print("   missed:", line)
    texts = messages()
    hits = [(t, masking.mask(t)) for t in texts if masking.NAME in masking.mask(t)]
    print(f"\nopen conversation set: {len(texts)} user messages, {len(hits)} got a [name]:")
    for before, after in hits:
        print(f"   {before!r}\n -> {after!r}")

    masking.mask("warm up")  # the name lists load once; not counted

    def without_names(text: str) -> str:
        for pattern, replace in masking._RULES:
            text = pattern.sub(replace, text)
        return text

    before, after = cpu_us(without_names, texts), cpu_us(masking.mask, texts)
    print(f"\nCPU per message (best of 5 rounds over {len(texts)} messages):")
    print(f"   without the name rules {before:.1f} us, with them {after:.1f} us")


if __name__ == "__main__":
    main()
