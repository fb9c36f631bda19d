"""The printable guided script covers the whole decision tree of the content files."""

from __future__ import annotations

import datetime as dt
import html
import subprocess
import sys
from pathlib import Path

import pytest

from triage.content import load_agent_wording, load_content
from triage.engine import REQUESTS, Route, triage
from triage.guided_script import build_script, to_html, to_markdown

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def content():
    return load_content()


@pytest.fixture(scope="module")
def script(content):
    return build_script(content, load_agent_wording(), today=dt.date(2026, 11, 21))


@pytest.fixture(scope="module")
def pages(script):
    return {"md": to_markdown(script), "html": html.unescape(to_html(script))}


def walk(node):
    yield node
    for branch in node.branches:
        yield from walk(branch.node)
    for cut in node.shortcuts:
        yield from walk(cut.outcome)


def test_every_route_is_reached_and_answered(content, script):
    assert script.unreached == []
    reached = {n.route_id for _, _, tree in script.requests for n in walk(tree) if n.route_id}
    assert reached == set(content.routes)
    assert [a.route_id for a in script.answers] == list(content.routes)


def test_every_request_and_question_with_every_option(content, script, pages):
    assert [r for r, _, _ in script.requests] == list(load_agent_wording().requests)
    assert set(r for r, _, _ in script.requests) == set(REQUESTS)
    asked = {n.question for _, _, tree in script.requests for n in walk(tree) if n.question}
    assert asked | {"region"} == set(content.messages.questions)
    wording = load_agent_wording()
    for slot, question in content.messages.questions.items():
        for page in pages.values():
            assert wording.questions[slot].get() in page
            for option in question.options:
                assert option.label.get() in page, (slot, option.label.get())


def test_branches_lead_where_the_engine_decides(content, script):
    for _, _, tree in script.requests:
        for node in walk(tree):
            decision = triage(node.facts, content)
            if node.route_id:
                assert isinstance(decision, Route) and decision.route_id == node.route_id
            else:
                assert decision.slot == node.question


def test_every_answer_has_its_steps_checklist_contacts_in_both_pages(content, script, pages):
    for answer in script.answers:
        for page in pages.values():
            assert answer.title in page
            for text in answer.steps + answer.include + answer.contacts + answer.time_cost:
                assert text in page, (answer.route_id, text)
    # every contact of every route (home region) is spelled out
    for key, contact in content.contacts.items():
        used = any(contact.value in line for a in script.answers for line in a.contacts)
        regional = any(contact.value in line for a in script.answers for _, _, lines in a.regions for line in lines)
        if used or regional:
            assert contact.value in pages["md"] and contact.value in pages["html"]


def test_other_regions_get_their_own_contacts(content, script):
    roi = next(a for a in script.answers if a.route_id == "roi_third_party")
    names = [name for name, _, _ in roi.regions]
    assert len(names) == 2 and all("Washington" in n for n in names)
    west = content.contacts["kpwa_west_roi_phone"].value
    assert any(west in line for _, _, lines in roi.regions for line in lines)


def test_script_changes_when_the_content_changes(content):
    wording = load_agent_wording()
    changed = content.copy(deep=True)
    object.__setattr__(changed.contacts["roi_phone"], "value", "555-010-0199")
    page = to_markdown(build_script(changed, wording))
    assert "555-010-0199" in page and content.contacts["roi_phone"].value not in page


def test_html_is_escaped_and_standalone(script):
    page = to_html(script)
    assert page.startswith("<!doctype html>")
    assert "http://" not in page and "<script" not in page.lower() and 'src="' not in page
    assert page.count('<section class="answer"') == len(script.answers)


def test_make_script_writes_both_files(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "scripts.guided_script", "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "guided-script.html").read_text().startswith("<!doctype html>")
    assert (tmp_path / "guided-script.md").read_text().startswith("# Guided script")
