"""Conversation-level evaluation: whole conversations written by independent writers,
played through the REST webhook and read back through the tracker API.

File format (``tests/conversations/*.yml``; the blind part in ``blind/``)::

    conversations:
    - id: w1-001
      category: one_message   # one_message, fact_question, multi_turn, correction,
                              # two_requests, place, safety, neighbour, everyday
      persona: ...
      turns:
      - user: my lawyer needs my records
        department: roi       # the slot after this turn; none = empty; any = not checked
        expect:               # each item must be in the reply (case-insensitive);
        - authoriz            # " | " separates alternatives
        first: 911            # optional: must be in the turn's first message

A conversation may say ``language: es`` (Spanish; English when absent): its figures
are reported apart, and every reply must be in its language (``mixed: true`` when
the writer mixed both languages on purpose).

The writers saw only the facts and a persona, never ``data/`` or the code
(docs/evaluation.md). Figures come out by category; nobody reads the blind part's
conversations or failures, only its totals.
"""

from __future__ import annotations

import json
import re
import secrets
import urllib.parse
import urllib.request
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional

import yaml

from triage.vocabulary import fold

HERE = Path(__file__).resolve().parent
DEPARTMENTS = {"roi", "imaging", "clinical_team", "leave_form", "self_service", "medical_records"}
CATEGORIES = (
    "one_message",
    "fact_question",
    "multi_turn",
    "correction",
    "two_requests",
    "place",
    "safety",
    "neighbour",
    "everyday",
)
MULTI = ("multi_turn", "correction", "two_requests", "place")


def load(blind: bool = False, folder: Path = HERE, language: Optional[str] = None) -> List[dict]:
    """The conversations of the open part, or of the blind part; only those in
    ``language`` when given (a conversation's ``language``, English when absent)."""
    files = sorted((folder / "blind").glob("*.yml")) if blind else sorted(folder.glob("*.yml"))
    conversations = []
    for path in files:
        for conversation in yaml.safe_load(path.read_text(encoding="utf-8"))["conversations"]:
            conversation = {"language": "en", **conversation, "file": path.name}
            if language is None or conversation["language"] == language:
                conversations.append(conversation)
    return conversations


# a reply of at least this many words is checked for its language (short ones, a
# phone number or a form's English title, say nothing)
LANGUAGE_CHECK_WORDS = 6
NOT_WORDS = re.compile(r"https?://\S+|\S+@\S+|\S*\d\S*|[A-Z][\w-]*(?:\s+[A-Z][\w-]*)+")


def wrong_language(language: str, text: str) -> bool:
    """A reply, in a conversation in ``language``, that reads as the other language.
    Names (capitalised runs such as form titles), numbers, links and emails are left
    out first: a Spanish answer keeps "Release of Information" in English."""
    from triage.language import detect

    words = NOT_WORDS.sub(" ", text).split()
    if len(words) < LANGUAGE_CHECK_WORDS:
        return False
    found, probability = detect(" ".join(words))
    return found != language and probability >= 0.9


def check_format(conversation: dict) -> List[str]:
    """What is wrong with one conversation's format (empty when nothing)."""
    errors = []
    where = conversation.get("id", "?")
    if conversation.get("category") not in CATEGORIES:
        errors.append(f"{where}: unknown category {conversation.get('category')!r}")
    turns = conversation.get("turns") or []
    if not turns:
        errors.append(f"{where}: no turns")
    for number, turn in enumerate(turns, 1):
        if not isinstance(turn.get("user"), str) or not turn["user"].strip():
            errors.append(f"{where} turn {number}: no user text")
        if turn.get("department") not in DEPARTMENTS | {"none", "any"}:
            errors.append(f"{where} turn {number}: department {turn.get('department')!r}")
        if not isinstance(turn.get("expect") or [], list):
            errors.append(f"{where} turn {number}: expect must be a list")
    if conversation.get("category") == "one_message" and turns and turns[0].get("department") == "any":
        errors.append(f"{where}: a one-message request must name a department or none")
    return errors


def matches(pattern: object, text: str) -> bool:
    """A pattern is met when any of its " | " alternatives is in the text; case and
    accents are ignored (a writer's "registr" is met by "Regístrese")."""
    folded = fold(text)
    return any(fold(part.strip()) in folded for part in str(pattern).split(" | ") if part.strip())


def reply_text(messages: Iterable[dict]) -> str:
    """What a person sees: each message's text and its button titles."""
    parts = []
    for message in messages:
        parts.append(message.get("text") or "")
        parts += [button.get("title", "") for button in message.get("buttons") or []]
    return "\n".join(parts)


@dataclass
class Turn:
    user: str
    expected_department: str
    department: Optional[str]
    replies: List[dict]
    missing: List[str] = field(default_factory=list)
    first_ok: Optional[bool] = None
    wrong_language: int = 0  # replies in the other language than the conversation's

    @property
    def department_ok(self) -> Optional[bool]:
        if self.expected_department == "any":
            return None
        return (self.department or "none") == self.expected_department

    @property
    def facts_ok(self) -> bool:
        return not self.missing


@dataclass
class Result:
    conversation: dict
    turns: List[Turn]

    @property
    def category(self) -> str:
        return self.conversation["category"]

    @property
    def last(self) -> Turn:
        return self.turns[-1]


class Client:
    """REST webhook and tracker API of one running Rasa server."""

    def __init__(self, base: str, token: str, timeout: float = 60) -> None:
        self.base, self.token, self.timeout = base.rstrip("/"), token, timeout

    def say(self, sender: str, text: str) -> List[dict]:
        body = json.dumps({"sender": sender, "message": text}).encode()
        request = urllib.request.Request(
            f"{self.base}/webhooks/rest/webhook", body, {"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            return json.loads(response.read())

    def department(self, sender: str) -> Optional[str]:
        query = urllib.parse.urlencode({"token": self.token})
        url = f"{self.base}/conversations/{urllib.parse.quote(sender)}/tracker?{query}"
        with urllib.request.urlopen(url, timeout=self.timeout) as response:
            return json.loads(response.read())["slots"].get("department")


def play(client: Client, conversation: dict) -> Result:
    sender = f"eval-{secrets.token_hex(6)}"
    turns = []
    for spec in conversation["turns"]:
        replies = client.say(sender, spec["user"])
        text = reply_text(replies)
        missing = [str(p) for p in spec.get("expect") or [] if not matches(p, text)]
        first_ok = None
        if spec.get("first"):
            first_ok = bool(replies) and matches(spec["first"], reply_text(replies[:1]))
        language = conversation.get("language", "en")
        wrong = (
            0 if conversation.get("mixed") else sum(wrong_language(language, str(r.get("text") or "")) for r in replies)
        )
        turns.append(
            Turn(
                spec["user"],
                spec.get("department", "any"),
                client.department(sender),
                replies,
                missing,
                first_ok,
                wrong,
            )
        )
    return Result(conversation, turns)


def play_all(client: Client, conversations: List[dict], workers: int = 4) -> List[Result]:
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda c: play(client, c), conversations))


def _rate(values: List[bool]) -> Optional[float]:
    return sum(values) / len(values) if values else None


def figures(results: List[Result]) -> Dict[str, Dict[str, object]]:
    """The headline rates (each with its count), as the issue defines them."""
    by = defaultdict(list)
    for r in results:
        by[r.category].append(r)
    one = [r.turns[0].department_ok for r in by["one_message"] if r.turns[0].department_ok is not None]
    fact_turns = [
        t for r in by["fact_question"] for t, spec in zip(r.turns, r.conversation["turns"]) if spec.get("expect")
    ]
    multi = [r for c in MULTI for r in by[c] if len(r.turns) > 1]
    safety_first = [t.first_ok for r in results for t in r.turns if t.first_ok is not None]
    safety_none = [t.department_ok for r in by["safety"] for t in r.turns if t.expected_department == "none"]
    outside = [r.last.department_ok for c in ("neighbour", "everyday") for r in by[c]]
    checked_turns = [t for r in results for t in r.turns]
    out = {
        "one-message department right": (_rate(one), len(one)),
        "fact questions with the fact": (_rate([t.facts_ok for t in fact_turns]), len(fact_turns)),
        # a writer may leave the last department open (`any`): only its facts count then
        "multi-turn: last department right": (
            _rate([bool(r.last.department_ok) for r in multi if r.last.department_ok is not None]),
            sum(1 for r in multi if r.last.department_ok is not None),
        ),
        "multi-turn: last turn has the facts": (_rate([r.last.facts_ok for r in multi]), len(multi)),
        "emergency: 911/988 in the first message": (_rate(safety_first), len(safety_first)),
        "safety: no department": (_rate([bool(x) for x in safety_none]), len(safety_none)),
        "neighbour/everyday: no department": (_rate([bool(x) for x in outside]), len(outside)),
        "all turns: department right": (
            _rate([t.department_ok for t in checked_turns if t.department_ok is not None]),
            sum(1 for t in checked_turns if t.department_ok is not None),
        ),
        "all turns: facts present": (_rate([t.facts_ok for t in checked_turns]), len(checked_turns)),
        "all turns: every reply in the conversation's language": (
            _rate([t.wrong_language == 0 for t in checked_turns]),
            len(checked_turns),
        ),
    }
    for category in CATEGORIES:
        rs = by[category]
        if rs:
            whole = [
                all(t.department_ok in (True, None) and t.facts_ok and t.first_ok in (True, None) for t in r.turns)
                for r in rs
            ]
            out[f"category {category}: whole conversation right"] = (_rate(whole), len(whole))
    return {name: {"rate": rate, "n": n} for name, (rate, n) in out.items()}


def report(name: str, table: Dict[str, Dict[str, object]]) -> List[str]:
    lines = [f"{name}:"]
    for key, value in table.items():
        rate = value["rate"]
        shown = "n/a" if rate is None else f"{100 * rate:5.1f}%"
        lines.append(f"  {key:<48} {shown}  (n={value['n']})")
    return lines


def failures(results: List[Result]) -> List[str]:
    """Readable failures of the open part (never called on the blind part)."""
    lines = []
    for r in results:
        for number, t in enumerate(r.turns, 1):
            bad = []
            if t.department_ok is False:
                bad.append(f"department {t.department} != {t.expected_department}")
            if t.missing:
                bad.append(f"missing {t.missing}")
            if t.first_ok is False:
                bad.append("first message lacks " + str(r.conversation["turns"][number - 1]["first"]))
            if t.wrong_language:
                bad.append(f"{t.wrong_language} replies not in {r.conversation['language']}")
            if bad:
                said = reply_text(t.replies).replace("\n", " / ")[:300]
                lines.append(
                    f"{r.conversation['id']} [{r.category}] turn {number}: {t.user!r}: {'; '.join(bad)}"
                    f"\n     bot: {said}"
                )
    return lines
