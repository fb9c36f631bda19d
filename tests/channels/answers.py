"""Every answer the assistant can give, as the bot messages the actions send.

Built from the same engine and renderer the custom actions use (and the domain's
own responses), so the SMS tests can shape each one and check its limits.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

import yaml

from actions.action_converse import RESPONSES
from tests.triage.test_engine import ROUTES
from triage.content import load_content
from triage.engine import INTENT_FOR_REQUEST, Facts, Question, Route, infer_requests, triage
from triage.render import FOLLOWUP_TOPICS, Renderer, Reply, to_dispatch

ROOT = Path(__file__).resolve().parents[2]
PART_OF_RESPONSE = dict(RESPONSES.values())  # what action_converse sends with each response
CONTENT = load_content()
RENDER = Renderer(CONTENT)
# places that pick a region; "washington" alone asks which part
REGION_PLACES = [None] + [key for key, place in CONTENT.places.items() if place.region is not None]


def _message(reply: Reply, language: str = "en") -> Dict:
    """The bot message a custom action sends for ``reply`` (its card as the `custom`
    payload), marked with its language as action_converse marks it."""
    data = {**to_dispatch(reply), "language": language}
    if "json_message" in data:
        data["custom"] = data.pop("json_message")
    return data


def decision(facts: Facts):
    return triage(facts, CONTENT)


def _turn(facts: Facts, render: Renderer = RENDER) -> List[Dict]:
    """What action_triage sends for these facts (first request, then any other named one)."""
    requests = infer_requests(facts.request, facts)
    replies: List[Reply] = []
    first = decision(facts)
    replies += render.route(first) if isinstance(first, Route) else [render.question(first)]
    for extra in requests[1:]:
        extra_decision = decision(Facts(**{**facts.__dict__, "request": extra}))
        replies.append(render.also())
        if isinstance(extra_decision, Route):
            replies += render.route(extra_decision)
        else:
            replies.append(render.question(extra_decision, intent=INTENT_FOR_REQUEST[extra]))
    return [_message(r, render.language) for r in replies]


def all_routes() -> Iterator[Tuple[str, Route]]:
    for (facts, route_id, _dept), place in itertools.product(ROUTES, REGION_PLACES):
        found = decision(Facts(**{**facts, "region": place}))
        if isinstance(found, Route):
            yield f"{route_id}/{place or 'default'}/{sorted(facts.items())}", found


def all_answers(language: str = "en") -> Iterator[Tuple[str, List[Dict]]]:
    """(name, bot messages) for every answer in ``language``: routes in every region,
    questions, two requests in one message, follow-ups, fallback, hand-off, domain
    responses."""
    render = Renderer(CONTENT, language)

    def message(reply: Reply) -> Dict:
        return _message(reply, language)

    def turn(facts: Facts) -> List[Dict]:
        return _turn(facts, render)

    routes = list(all_routes())
    for name, route in routes:
        yield f"route {name}", [message(r) for r in render.route(route)]
        for topic in FOLLOWUP_TOPICS:
            yield f"followup {topic} {name}", [message(render.followup(topic, route))]
        yield f"handoff {name}", [message(render.handoff(route))]
    for topic in FOLLOWUP_TOPICS:
        yield f"followup {topic} no route", [message(render.followup(topic, None))]
    for slot in CONTENT.messages.questions:
        for intent in ["inform"] + sorted(INTENT_FOR_REQUEST.values()):
            yield f"question {slot} {intent}", [message(render.question(Question(slot, Facts()), intent=intent))]
    # two requests in one message: records (each kind / recipient) with images and with leave
    records = [f for f, _r, _d in ROUTES if f["request"] == "records"] + [dict(request="records")]
    extras = [dict(imaging_kind=k) for k in CONTENT.vocabulary["imaging_kind"]] + [
        dict(leave_program=p) for p in CONTENT.vocabulary["leave_program"]
    ]
    for base, extra, place in itertools.product(records, extras, [None, "western_washington", "washington"]):
        facts = Facts(**{**base, **extra, "region": place})
        yield f"two requests {sorted(facts.__dict__.items())}", turn(facts)
    for base in [f for f, _r, _d in ROUTES if f["request"] == "imaging"]:
        for kind in CONTENT.vocabulary["record_kind"]:
            facts = Facts(**{**base, "record_kind": kind})
            yield f"two requests {sorted(facts.__dict__.items())}", turn(facts)
    yield from rights_answers(language)
    yield "fallback", [message(render.fallback())]
    yield "handoff general", [message(render.handoff(None))]
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    for name, variants in domain.get("responses", {}).items():
        for i, variant in enumerate(variants):
            conditions = variant.get("condition") or []
            if {c.get("value") for c in conditions if c.get("name") == "language"} - {language}:
                continue  # the other language's variation
            part = PART_OF_RESPONSE.get(name, "text")
            kept = {k: v for k, v in variant.items() if k not in ("channel", "condition")}
            yield f"response {name}[{i}]", [{**kept, "part": part, "language": language}]


def rights_answers(language: str = "en") -> Iterator[Tuple[str, List[Dict]]]:
    """Rights answers for every topic and jurisdiction, fee estimates, due dates,
    the overdue path and the letter, as the rights actions send them."""
    import datetime as dt

    from triage.content_schema import JURISDICTIONS
    from triage.deadlines import due_dates
    from triage.fees import estimate
    from triage.letter import build_letter
    from triage.render_rights import RightsRenderer
    from triage.rights import answer

    render = RightsRenderer(CONTENT, language)
    today = dt.date(2026, 11, 21)

    def message(reply: Reply) -> Dict:
        return _message(reply, language)

    yield "rights question state", [message(render.state_question())]
    for key in CONTENT.rights.questions:
        if key != "state":
            yield f"rights question {key}", [message(render.ask(key))]
    for topic, where, stated in itertools.product(CONTENT.rights.topics, JURISDICTIONS, (True, False)):
        yield f"rights {topic} {where} stated={stated}", [message(render.rights(answer(CONTENT, topic, where), stated))]
    for where, pages, kw in itertools.product(
        JURISDICTIONS,
        (0, 30, 31, 120, 1_000_000),
        ({}, {"copy_format": "paper"}, {"recipient": "lawyer"}, {"purpose": "disability_appeal"}),
    ):
        yield f"rights fee {where} {pages} {kw}", [message(render.fee_estimate(estimate(CONTENT, pages, where, **kw)))]
    for where, asked in itertools.product(JURISDICTIONS, (dt.date(2026, 3, 3), dt.date(2026, 11, 13))):
        dates = due_dates(CONTENT, asked, where, today)
        yield f"rights dates {where} {asked}", [message(render.due_dates(asked, dates))]
        yield (
            f"rights overdue {where} {asked}",
            [message(render.overdue_steps())] + [message(r) for r in render.overdue_status(where, asked, dates, True)],
        )
    for where in JURISDICTIONS:
        draft = build_letter(CONTENT, render.fill, where, record_kind="full_record", copy_format="paper")
        yield f"rights letter {where}", [message(render.letter(draft))]
