"""Write datasets/safety/examples.yml from the open conversation test set.

    python -m bench.export_safety_examples [--leave-out w31-,w32-]

Each turn of an open conversation becomes an example: a turn the writer marked as
an emergency or crisis (it has ``first:``) is a safety example, labelled with the
kind of answer it needs; every other turn (requests, follow-ups, past events told
as the story of a request, neighbours, everyday talk) is not. The blind part is
never read. ``--leave-out`` keeps writers out, to measure the model on them first.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import yaml

from tests.conversations import harness
from triage.conversation_content import load_conversation
from triage.understand import safety_kind
from triage.vocabulary import clean

OUT = Path(__file__).resolve().parents[1] / "datasets" / "safety" / "examples.yml"


def kind_of(conversation, text: str, first: str) -> str:
    """The rule's kind when its words find one, else the kind the writer's expected
    number says: 988 alone a crisis, Poison Control a poison, else an emergency."""
    found = safety_kind(conversation, clean(text))
    if found:
        return found
    numbers = {part.strip() for part in str(first).split("|")}
    if "1-800-222-1222" in numbers:
        return "poison"
    if "988" in numbers:
        return "crisis"
    return "emergency"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leave-out", default="", help="writers' id prefixes to leave out, comma-separated")
    args = parser.parse_args(argv)
    leave_out = tuple(p for p in args.leave_out.split(",") if p)
    conversation = load_conversation()
    safety, other = [], []
    for c in harness.load():
        if leave_out and c["id"].startswith(leave_out):
            continue
        for turn in c["turns"]:
            if "first" in turn:
                safety.append({"text": turn["user"], "kind": kind_of(conversation, turn["user"], turn["first"])})
            else:
                other.append(turn["user"])
    header = (
        "# Messages for the safety model (triage/safety_model.py), made by\n"
        "# `python -m bench.export_safety_examples` from the OPEN conversation test set\n"
        "# (tests/conversations/*.yml; writers who saw only the facts and a persona).\n"
        "# The blind part is never read. `safety`: a turn its writer said needs 911 / 988\n"
        "# first, with the kind of answer; `other`: every other turn.\n"
    )
    body = yaml.safe_dump(
        {"safety": safety, "other": sorted(set(other))}, allow_unicode=True, width=1000, sort_keys=False
    )
    OUT.write_text(header + body, encoding="utf-8")
    print(f"{OUT}: {len(safety)} safety, {len(set(other))} other")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
