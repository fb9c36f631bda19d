"""CPU cost of the conversation step's parts, per message (no servers).

    python -m bench.step_cost

Times, on every user message of the open conversation test set
(tests/conversations/*.yml, written by independent writers), each part the
conversation step adds to a turn: reading the message with the content's words
(triage.understand.read), the safety model's score (part of read, asked when no
safety word is found), the route-question retrieval (TF-IDF, words and
characters) and the whole step (triage.converse.step, with a fresh state and no
NLU intent, so every rule is tried). Prints milliseconds of CPU per message.
"""

from __future__ import annotations

import statistics
import time

from tests.conversations import harness
from triage import safety_model
from triage.content import load_content
from triage.conversation_content import load_conversation
from triage.converse import Said, State, nearest_faq, step
from triage.render import Renderer
from triage.understand import read


def _cpu_ms(fn, texts, repeat: int = 3):
    per = []
    for text in texts:
        best = float("inf")
        for _ in range(repeat):
            start = time.process_time()
            fn(text)
            best = min(best, time.process_time() - start)
        per.append(best * 1000)
    per.sort()
    return statistics.mean(per), per[int(0.95 * (len(per) - 1))]


PARTS = (
    "read the message (understand.read)",
    "safety model (in read, when no safety word)",
    "route-question retrieval (TF-IDF)",
    "whole conversation step (converse.step)",
)


def measure(limit: int = 0) -> dict:
    """{"n": messages, part: {"mean_ms", "p95_ms"}} for each part of the step."""
    content, conversation = load_content(), load_conversation()
    render = Renderer(content)
    texts = [turn["user"] for c in harness.load() for turn in c["turns"]]
    texts = texts[:limit] if limit else texts
    nearest_faq(conversation, "warm up", ["roi"])  # the index is built once per process
    safety = safety_model.model()  # trained once per process
    parts = dict(
        zip(
            PARTS,
            (
                lambda t: read(content, conversation, t),
                lambda t: safety.score(t),
                lambda t: nearest_faq(conversation, t, ["roi", "roi_third_party"]),
                lambda t: step(content, conversation, render, State(), Said(t)),
            ),
        )
    )
    out: dict = {"n": len(texts)}
    for name, fn in parts.items():
        mean, p95 = _cpu_ms(fn, texts)
        out[name] = {"mean_ms": mean, "p95_ms": p95}
    return out


def main(limit: int = 0) -> int:
    figures = measure(limit)
    print(f"CPU per message on {figures['n']} messages of the open conversation set (best of 3 each)")
    for name in PARTS:
        print(f"  {name:<42} mean {figures[name]['mean_ms']:5.2f} ms   p95 {figures[name]['p95_ms']:5.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
