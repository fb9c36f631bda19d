"""SMS segments per answer: what a text answer costs (no servers).

    python -m bench.sms_segments

Shapes every answer the assistant can give (tests/channels/answers.py: every
route in every region, follow-ups, hand-offs, questions, two requests in one
message, rights answers, fallback, the domain's responses) the way the SMS
channel does (channels.render.for_sms) and prints how many billed segments
(channels.sms_text.segments: GSM-7 160, then 153 per segment; UCS-2 70 / 67) the
first reply costs and the whole answer costs with every MORE, by kind of answer,
and what a route answer cost when it was sent whole at once (3 messages).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Dict, List, Tuple

from channels.render import for_sms
from channels.sms_text import plain, segments
from tests.channels.answers import all_answers


def kind_of(name: str) -> str:
    if name.startswith("route "):
        return "route"
    for prefix in ("followup", "handoff", "question", "two requests", "rights", "response", "fallback"):
        if name.startswith(prefix):
            return prefix
    return "other"


def measure(language: str = "en") -> Dict[str, List[Tuple[int, int, int, int]]]:
    """kind -> per answer: (segments of the first message, of the first reply,
    of the whole answer with every MORE, number of MORE pages)."""
    found: Dict[str, List[Tuple[int, int, int, int]]] = defaultdict(list)
    for name, messages in all_answers(language):
        shaped = for_sms(messages)
        first = [segments(t) for t in shaped.messages]
        pages = [segments(t) for t in shaped.more]
        found[kind_of(name)].append((first[0], sum(first), sum(first) + sum(pages), len(pages)))
    return found


def _distribution(values: List[int]) -> str:
    counts = Counter(values)
    return ", ".join(f"{k}: {counts[k]}" for k in sorted(counts))


def accents_both_ways() -> Tuple[int, int, int]:
    """Spanish answers, every text of each: segments as sent (accents dropped to
    stay in GSM-7: 160 / 153 characters a segment) against the same texts with
    their accents kept (UCS-2: 70 / 67). (answers, GSM-7 total, UCS-2 total)."""
    gsm = ucs = count = 0
    for _name, messages in all_answers("es"):
        texts = [str(m.get("text") or "") for m in messages if m.get("text")]
        count += 1
        gsm += sum(segments(plain(t)) for t in texts)
        ucs += sum(segments(t) for t in texts)
    return count, gsm, ucs


def main() -> None:
    for language in ("en", "es"):
        table(language)
    count, gsm, ucs = accents_both_ways()
    print(
        f"Spanish, every answer's texts: {gsm} segments without accents (GSM-7) against {ucs} with them "
        f"(UCS-2), {ucs / gsm:.2f}x; {count} answers"
    )


def table(language: str) -> None:
    found = measure(language)
    every = [row for rows in found.values() for row in rows]
    print(f"{language}: {len(every)} answers; segments (value: number of answers)")
    print("| answers | n | first message | first reply | whole answer, every MORE | MORE pages |")
    print("|---|---|---|---|---|---|")
    for kind in sorted(found) + ["all"]:
        rows = every if kind == "all" else found[kind]
        cols = [_distribution([row[i] for row in rows]) for i in range(4)]
        print(f"| {kind} | {len(rows)} | " + " | ".join(cols) + " |")
    pages, before = [], []
    for name, messages in all_answers(language):
        pages += [segments(t) for t in for_sms(messages).more]
        if kind_of(name) == "route":  # the earlier layout: the whole answer at once, in 3 messages
            before.append(sum(segments(t) for t in for_sms(messages, max_messages=3).messages))
    print(f"MORE pages: {len(pages)}; segments each: {_distribution(pages)}")
    print(f"route answers sent whole at once in 3 messages (the earlier layout): {_distribution(before)}")


if __name__ == "__main__":
    main()
