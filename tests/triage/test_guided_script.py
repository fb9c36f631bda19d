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


def test_every_content_entry_is_in_both_pages(content, script, pages):
    """Each route id, route question, rights topic x state, fee, deadline, safety and
    neighbour entry, the opening and closing words: all in the HTML and the Markdown."""
    from triage.conversation_content import load_conversation
    from triage.render_rights import RightsRenderer
    from triage.rights import answer

    conversation = load_conversation()
    r = RightsRenderer(content)
    numbers = {"number": {k: n.value for k, n in conversation.numbers.items()}}
    wanted = {f"route {key}": [key] for key in content.routes}
    for key, faq in conversation.faq.items():
        wanted[f"faq {key}"] = [faq.questions[0], r.fill(faq.answer, tables=numbers)]
    for topic in content.rights.topics:
        for state in ("federal", "WA", "CA", "OR"):
            result = answer(content, topic, state)
            texts = [r.fill(result.text)]
            if result.follows_federal:
                texts.append(r.fill(content.rights.follows_federal, state=r.state_name(state)))
            wanted[f"rights {topic} {state}"] = texts
        wanted[f"rights {topic} heading"] = [load_agent_wording().script.rights_topics[topic].get()]
    fee_values = [k for k in content.values if "fee" in k or k.endswith("_pages")]
    assert {"third_party_fee", "hipaa_flat_fee", "wa_page_fee_first", "ca_page_fee"} <= set(fee_values)
    for key in fee_values:
        wanted[f"fee {key}"] = [content.values[key].text.get()]
    for key in ("fee_electronic", "fee_policy_self", "fee_third_party", "fee_clinician"):
        wanted[f"fee phrase {key}"] = [r.phrase(key)]
    for where, rules in content.rights.deadlines.items():
        for rule in rules:
            wanted[f"deadline {where} {rule.value}"] = [rule.label.get(), content.values[rule.value].text.get()]
    wanted["overdue"] = [r.phrase("overdue_intro"), r.phrase("overdue_step_portal"), r.phrase("overdue_passed")]
    for kind, item in {**conversation.safety, **conversation.neighbours}.items():
        wanted[f"safety/neighbour {kind}"] = [r.fill(item.reply, tables=numbers)]
    wording = load_agent_wording()
    wanted["opening and closing"] = [wording.script.opening.get(), wording.greeting.get(), wording.script.closing.get()]
    missing = [
        (name, kind, text)
        for name, texts in wanted.items()
        for text in texts
        for kind, page in pages.items()
        if text not in page
    ]
    assert missing == []
    # route ids are anchors in both
    assert all(f"#{key}" in pages["md"] and f'id="{key}"' in pages["html"] for key in content.routes)


def test_the_html_prints_and_questions_are_read_out(script, pages):
    page = to_html(script)
    assert "@media print" in page and "break-before: page" in page
    assert "Ask the caller" not in pages["md"] and "Ask the caller" not in pages["html"]
    for heading in ("Rights to records, by state", "Fees", "Deadlines", "A late request", "Emergencies", "Closing"):
        assert heading in pages["md"] and heading in pages["html"]


# -- the script for a Spanish-speaking caller -------------------------------------


@pytest.fixture(scope="module")
def script_es(content):
    return build_script(content, load_agent_wording(), "es", today=dt.date(2026, 11, 21))


@pytest.fixture(scope="module")
def pages_es(script_es):
    return {"md": to_markdown(script_es), "html": html.unescape(to_html(script_es))}


def test_english_is_the_default(content, script, pages):
    assert script.language == "en"
    page = to_html(script)
    assert page.count(' lang="') == 1 and '<html lang="en">' in page  # no part in another language
    assert "Spanish" not in pages["html"] and "Spanish" not in pages["md"]
    wording = load_agent_wording()
    assert wording.greeting.get() in pages["html"] and wording.greeting.get("es") not in pages["html"]


def test_the_spanish_script_says_and_asks_in_spanish(content, script_es, pages_es):
    wording = load_agent_wording()
    assert script_es.language == "es" and script_es.unreached == []
    assert [a.route_id for a in script_es.answers] == list(content.routes)
    said = [wording.script.opening, wording.greeting, wording.anything_else, wording.script.closing]
    for slot, question in content.messages.questions.items():
        said.append(wording.questions[slot])
        said += [option.label for option in question.options]
    said += [route.title for route in content.routes.values()]
    said += [wording.script.rights_topics[topic] for topic in content.rights.topics]
    for text in said:
        assert text.get("es") != text.get("en"), text.get("en")  # every one has its own Spanish words
        for page in pages_es.values():
            assert text.get("es") in page, text.get("es")
            assert text.get("en") not in page, text.get("en")
    assert "Expedientes médicos" in pages_es["html"] and "¿" in pages_es["html"]


def test_every_spanish_answer_has_its_steps_checklist_contacts(content, script, script_es, pages_es):
    for english, spanish in zip(script.answers, script_es.answers):
        assert spanish.route_id == english.route_id and spanish.title != english.title
        assert len(spanish.steps) == len(english.steps) and len(spanish.include) == len(english.include)
        for page in pages_es.values():
            assert spanish.title in page and spanish.say in page
            for text in spanish.steps + spanish.include + spanish.contacts + spanish.time_cost:
                assert text in page, (spanish.route_id, text)
        for text in english.steps + english.include:
            assert text not in pages_es["html"], (english.route_id, text)


def test_the_spanish_shortcuts_name_every_value_in_spanish(script_es):
    """ "If the caller already said: ...": the caller's words, in Spanish (agent.yml
    fact_values), never a value's English key."""
    cuts = [cut for _, _, tree in script_es.requests for node in walk(tree) for cut in node.shortcuts]
    assert cuts
    names = {v.get("es") for values in load_agent_wording().fact_values.values() for v in values.values()}
    assert [value for cut in cuts for value in cut.values if value not in names] == []


def test_the_spanish_html_marks_the_callers_words_and_keeps_the_agents_in_english(script_es, pages_es):
    page = to_html(script_es)
    wording = load_agent_wording()
    # the page is the agent's: its headings and labels in English...
    assert '<html lang="en">' in page
    assert "Spanish-speaking caller" in page.split("</title>")[0]
    assert '<p class="language-note">Caller&#39;s language: Spanish.' in page
    for heading in ("0. Opening", "1. Find out what the caller needs", "3. Answers", "6. Fees", "11. Closing"):
        assert heading in page
    assert page.count('<span class="label">Say:</span>') >= len(script_es.answers)
    # ...and every part said to the caller is marked Spanish, for screen readers
    opening = html.escape(wording.script.opening.get("es"), quote=True)
    assert f'<span class="say" lang="es">{opening}</span>' in page
    assert page.count('<ul class="checklist" lang="es">') == sum(1 for a in script_es.answers if a.include)
    for answer in script_es.answers:
        assert f'<h3 lang="es">{html.escape(answer.title, quote=True)}</h3>' in page
    assert 'lang="en"' not in page.split("<body>")[1]
    assert "<script" not in page.lower() and "http://" not in page


def test_the_spanish_markdown_says_the_callers_language(pages_es):
    md = pages_es["md"]
    assert md.startswith("# Guided script: records and forms (") and "Spanish-speaking caller)" in md.splitlines()[0]
    assert "Caller's language: Spanish." in md and "**Say:**" in md


def test_make_script_writes_the_spanish_files_too(tmp_path):
    run = [sys.executable, "-m", "scripts.guided_script", "--out"]
    result = subprocess.run([*run, str(tmp_path / "all")], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in (tmp_path / "all").iterdir())
    assert names == ["guided-script-es.html", "guided-script-es.md", "guided-script.html", "guided-script.md"]
    spanish = (tmp_path / "all" / "guided-script-es.html").read_text(encoding="utf-8")
    assert load_agent_wording().script.opening.get("es") in html.unescape(spanish)
    result = subprocess.run([*run, str(tmp_path / "es"), "--language", "es"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "es").iterdir()) == ["guided-script-es.html", "guided-script-es.md"]
    bad = subprocess.run([*run, str(tmp_path / "fr"), "--language", "fr"], cwd=ROOT, capture_output=True, text=True)
    assert bad.returncode == 2 and not (tmp_path / "fr").exists()
