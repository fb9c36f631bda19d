"""The conversation step (triage/converse.py): pure, so every path is tested here
without Rasa. ``talk`` plays turns through ``step`` and carries the slots over as
action_converse does."""

from __future__ import annotations

import copy
from typing import List, Optional, Tuple

import pytest
import yaml

from triage.content import load_content
from triage.conversation_content import load_conversation, parse_conversation, read_conversation_raw
from triage.converse import Outcome, Said, State, nearest_faq, pick_requests, step
from triage.render import Renderer
from triage.understand import option_facts, option_index, place, read, safety_kind, safety_kinds
from triage.vocabulary import clean

C = load_content()
V = load_conversation()
R = Renderer(C)


def state_from(slots: dict) -> State:
    return State.from_slots(slots.get)


def talk(*turns, slots: Optional[dict] = None) -> List[Tuple[Outcome, dict]]:
    """Each turn is a text, or (text, intent, confidence). Returns (outcome, slots
    after). Each turn is rendered in the conversation's language, as action_converse does."""
    slots = dict(slots or {})
    out = []
    for turn in turns:
        text, intent, confidence = (turn, None, 0.0) if isinstance(turn, str) else turn
        render = R if (slots.get("language") or "en") == "en" else Renderer(C, slots["language"])
        outcome = step(C, V, render, state_from(slots), Said(text, intent, confidence))
        slots.update(outcome.slots)
        out.append((outcome, dict(slots)))
    return out


def said(outcome: Outcome) -> str:
    return "\n".join(r.text for r in outcome.replies)


# -- safety first ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, number",
    [
        ("I have crushing chest pain right now", "911"),
        ("my dad collapsed and isnt responding, also need his records", "911"),
        ("i can't breathe", "911"),
        ("I don't want to live anymore", "988"),
        ("I want my mental health records. honestly I don't see the point in living anymore", "988"),
        ("i'm so tired of living, can you send my chart to my therapist", "988"),
        ("there's nothing left to live for", "988"),
        ("thinking about ending my life, can I get my psych records first", "988"),
        ("my partner hits me and I need my ER records", "1-800-799-7233"),
        ("my toddler swallowed some pills", "1-800-222-1222"),
    ],
)
def test_emergencies_and_crises_come_first_with_no_department(text, number):
    ((outcome, slots),) = talk((text, "request_records", 0.9), slots={"department": "roi", "route": "roi_own_copy"})
    assert outcome.kind.startswith("safety:")
    assert number in outcome.replies[0].text
    # no department; the request in context stays for when they come back to it
    assert slots["department"] is None and slots["route"] == "roi_own_copy"


def test_after_a_safety_answer_the_request_in_context_comes_back():
    # independent writer 15: "ok ill call 988 tonight. can you still tell me where the finished form shows up"
    (_, (outcome, slots), (outcome2, slots2)) = talk(
        ("I need FMLA for my depression", "request_leave_certification", 0.95),
        ("honestly I don't want to live anymore", "ask_for_human", 0.57),
        ("ok ill call 988 tonight. can you still tell me where the finished form shows up", "out_of_scope", 0.98),
    )
    assert slots["department"] is None and "988" in said(outcome)
    assert slots2["department"] == "leave_form" and "Letters" in said(outcome2)


def test_a_past_symptom_in_a_records_request_is_not_an_emergency():
    assert safety_kind(V, "records from my chest pain er visit last year") is None
    ((outcome, slots),) = talk(("I need the records from my chest pain ER visit last year", "request_records", 0.9))
    assert slots["department"] == "roi"


def test_a_crisis_told_as_long_past_gets_the_request_answered_and_a_988_note():
    # independent writer 15: a records request about a suicide attempt years ago is
    # routed; the crisis line still comes with the answer
    assert safety_kind(V, "i was suicidal last year and want my therapy records") is None
    ((outcome, slots),) = talk(
        (
            "i was in the psych unit after a suicide attempt in 2021, doing much better now. I need those records",
            "request_records",
            0.9,
        )
    )
    assert slots["department"] == "roi"
    assert "988" in said(outcome) and "988" not in outcome.replies[0].text


def test_a_crisis_told_as_past_but_back_now_is_a_crisis():
    assert safety_kind(V, "i attempted suicide in 2018 and i'm having those thoughts again") == "crisis"
    assert safety_kind(V, "i was suicidal last year and want to die again") == "crisis"
    assert (
        safety_kind(V, "she wants to die and she's been cutting. i also need her records for a new therapist")
        == "crisis"
    )


def test_crisis_and_violence_phrased_as_people_write_them():
    # independent writers 13 and 15 (first play missed these)
    for text, kind in [
        ("i keep thinking everyone would be better off if i just ended it", "crisis"),
        ("no reason to keep going. already wrote letters to my kids", "crisis"),
        ("i have the pills lined up on the counter", "crisis"),
        ("husband sweating alot and pale, says his jaw and chest hurt", "emergency"),
        ("cut my hand really deep, blood is soaking thru the towels", "emergency"),
        ("toddler got into the dishwasher pods and bit one", "poison"),
        ("my ex is outside banging on the door screaming hes gonna kill me", "abuse"),
        ("need my immunization records for camp. also my dad just hit my mom and shes not moving", "emergency"),
    ]:
        assert safety_kind(V, text) == kind, text
    assert (
        safety_kind(V, "my wife had a stroke two years ago and cant speak or write now. i have her power of attorney")
        is None
    )


# -- neighbours ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, kind",
    [
        ("I need a refill on my inhaler", "pharmacy"),
        ("how do I pay my bill", "billing"),
        ("I need to reschedule my MRI on thursday", "appointments"),
        ("I moved, how do I change my address with kaiser", "membership"),
    ],
)
def test_neighbours_get_a_pointer_and_no_department(text, kind):
    ((outcome, slots),) = talk(text)
    assert outcome.kind == f"neighbour:{kind}"
    assert "503-813-2000" in said(outcome) and slots["department"] is None


def test_a_copy_of_a_scan_is_ours_not_a_booking():
    ((outcome, slots),) = talk("I need a copy of my MRI from last month for my surgeon")
    assert slots["department"] == "imaging" and "503-571-8451" in said(outcome)


# -- requests the words name ---------------------------------------------------------


@pytest.mark.parametrize(
    "text, department, fact",
    [
        ("my lawyer needs my records", "roi", "Authorization"),
        ("everything in my chart please", "roi", "5 business days"),
        ("my eye doctor wants the retina pictures", "roi", "nw.roi@kp.org"),
        ("jury duty excuse letter from my doctor", "clinical_team", "care team"),
        ("the hartford needs my long term disability form filled out", "roi", "nw.roi@kp.org"),
        ("fmla papers for my surgery", "leave_form", "Request FMLA Medical Certification"),
        ("how do i see my blood work online", "self_service", "Medical Record"),
        ("where do I send my living will", "medical_records", "500 NE Multnomah"),
        ("need my records, i live in seattle", "roi", "866-656-4184"),
    ],
)
def test_requests_named_in_words_are_routed(text, department, fact):
    ((outcome, slots),) = talk(text)
    assert slots["department"] == department
    assert fact in said(outcome)


def test_words_that_name_a_request_beat_an_unsure_intent():
    reading = read(C, V, "caller wants her MRI sent to an outside ortho")
    assert pick_requests(Said("", "request_records", 0.7), reading) == ["imaging"]
    assert pick_requests(Said("", "request_imaging", 0.9), reading) == ["imaging"]


def test_a_certain_intent_adds_its_request_after_the_words():
    # the words' request first, in the order named; a certain intent is kept as the second
    reading = read(C, V, "jury duty")
    assert pick_requests(Said("", "request_work_note", 0.95), reading) == ["clinician_form", "work_note"]
    assert pick_requests(Said("", "request_work_note", 0.9), reading) == ["clinician_form"]
    # "records" alone is part of a certain specific request
    assert pick_requests(Said("", "request_record_correction", 0.99), read(C, V, "my chart says i smoke")) == [
        "record_correction"
    ]


def test_two_requests_are_both_answered_and_the_first_sets_the_department():
    ((outcome, slots),) = talk("I need my MRI and also FMLA papers")
    text = said(outcome)
    assert "503-571-8451" in text and "Request FMLA Medical Certification" in text
    assert slots["department"] == "imaging"


def test_records_inside_a_specific_request_are_not_a_second_request():
    assert pick_requests(Said(""), read(C, V, "copies of my MRI records")) == ["imaging"]


def test_a_department_named_alone_gets_its_answer():
    ((outcome, slots),) = talk("release of information")
    assert slots["department"] == "roi" and "nw.roi@kp.org" in said(outcome)


# -- direct questions for one detail ------------------------------------------------


@pytest.mark.parametrize(
    "text, department, fact, absent",
    [
        ("what's the phone number for imaging?", "imaging", "503-571-8451", "nw.roi@kp.org"),
        ("what is ROI's email", "roi", "nw.roi@kp.org", "503-571-8451"),
        ("fax number for release of information in spokane?", "roi", "855-414-1751", "877-848-6896"),
        ("what hours is the release of information phone open", "roi", "4:30", "Steps:"),
        ("roi mailing address?", "roi", "500 NE Multnomah Street, Suite 100", "Steps:"),
    ],
)
def test_a_detail_question_gets_only_that_detail(text, department, fact, absent):
    ((outcome, slots),) = talk(text)
    assert outcome.kind == "detail"
    assert slots["department"] == department
    assert fact in said(outcome) and absent not in said(outcome)
    assert len(said(outcome)) < 200


def test_a_follow_up_detail_is_about_the_answer_in_context():
    turns = talk("my lawyer needs my records", "how much does that cost?", "how long?")
    assert "16.50" in said(turns[1][0]) and turns[1][0].kind == "detail"
    assert "5 business days" in said(turns[2][0])
    assert turns[2][1]["route"] == "roi_third_party"


def test_an_everyday_question_with_a_detail_word_is_not_ours():
    ((outcome, slots),) = talk(("what time does the game start tonight", "out_of_scope", 0.9))
    assert outcome.delegate == "out_of_scope" and not slots.get("department")


def test_a_definition_is_explained():
    ((outcome, _),) = talk("continuous or intermittent? what does intermittent mean")
    assert said(outcome).startswith("Intermittent leave:")


# -- questions about the answer (route questions) ------------------------------------


@pytest.mark.parametrize(
    "first, question, expected",
    [
        ("my lawyer needs my records", "is a phone picture of the signed form ok?", "photo or scan"),
        ("my lawyer needs my records", "can she e-sign it?", "in ink"),
        ("fmla papers for my surgery", "will my manager get a copy?", "third party"),
        ("fmla papers for my surgery", "can i print it from my phone", "web browser"),
        ("jury duty form for my doctor", "do I have to be seen first?", "may need a visit"),
        ("I want a full copy of my record", "could I fax it?", "not fax"),
    ],
)
def test_route_questions_are_answered_from_content(first, question, expected):
    turns = talk(first, question)
    assert expected in said(turns[1][0]), said(turns[1][0])
    assert turns[1][1]["department"] == turns[0][1]["department"]  # the topic stays


@pytest.mark.parametrize(
    "place, question",
    [
        ("Seattle", "does email work?"),
        ("Spokane", "could I fax it?"),
        ("Tacoma", "what's the mailing address?"),
        ("Everett", "what's their email?"),
    ],
)
def test_route_questions_in_another_region_send_people_to_that_regions_roi(place, question):
    turns = talk(f"I live in {place} and need a copy of my medical records", question)
    answer = said(turns[1][0])
    west = place != "Spokane"
    assert ("866-656-4184" if west else "509-241-7824") in answer or (
        "877-848-6896" if west else "855-414-1751"
    ) in answer
    assert "nw.roi@kp.org" not in answer and "Multnomah" not in answer, answer  # not the Portland office
    assert turns[1][1]["department"] == "roi"


def test_route_questions_in_the_home_region_keep_the_home_office():
    turns = talk("I live in Portland and need a copy of my medical records", "does email work?")
    assert "nw.roi@kp.org" in said(turns[1][0])


@pytest.mark.parametrize(
    "turns",
    [
        ["my request is late"],
        ["my records request is late"],
        ["I need a copy of my medical records", "my request is late"],
        ["they never sent my records"],
        ["still waiting on the copies I asked for in March"],
    ],
)
def test_a_late_request_said_in_words_gets_where_to_see_its_status(turns):
    outcome, slots = talk(*turns)[-1]
    assert outcome.kind == "overdue" and "My requests" in said(outcome), (outcome.kind, said(outcome))
    assert slots["department"] == "self_service" and slots["route"] == "request_status"


@pytest.mark.parametrize(
    "text", ["I had an MRI a month ago and need the images", "my bill is late", "late fee on my FMLA?"]
)
def test_late_words_without_a_request_of_ours_are_not_overdue(text):
    assert talk(text)[-1][0].kind != "overdue"


def test_route_questions_only_match_their_routes():
    key, score = nearest_faq(V, "will my manager get a copy", ["imaging"])
    assert key is None or "imaging" in V.faq[key].for_


def test_an_unclear_follow_up_in_context_gets_the_departments_contacts():
    turns = talk("my lawyer needs my records", ("blue bananas on the moon", "out_of_scope", 0.9))
    assert turns[1][0].kind in ("context_contacts",) or turns[1][0].kind.startswith("faq:")
    assert "Sorry, I can't help" not in said(turns[1][0])


# -- our own questions, answered by typing -----------------------------------------


@pytest.mark.parametrize(
    "reply, facts",
    [
        ("the whole thing", {"record_kind": "full_record"}),
        ("2", {"record_kind": "full_record"}),
        ("number 1", {"record_kind": "test_results"}),
        ("the second one", {"record_kind": "full_record"}),
        ("send them to someone else", {"recipient": "someone_else"}),
    ],
)
def test_typed_answers_pick_a_record_option(reply, facts):
    assert option_facts(C, V, "record_kind", reply) == facts


@pytest.mark.parametrize(
    "reply, region",
    [
        ("olympia", "western_washington"),
        ("Spokane Valley", "eastern_washington"),
        ("3", "eastern_washington"),
        ("vancouver", "sw_washington"),
        ("the east side", "eastern_washington"),
    ],
)
def test_typed_answers_pick_a_region(reply, region):
    assert option_facts(C, V, "region", reply) == {"region": region}


def test_option_index_reads_digits_and_ordinals():
    assert [option_index(t, 4) for t in ("1", "#4", "the third one", "last", "5", "hello")] == [0, 3, 2, 3, None, None]


def test_a_typed_answer_finishes_the_open_question():
    turns = talk("I need my images", "the eye ones from my eye doctor")
    assert turns[0][1]["pending_question"] == "imaging_kind" and turns[0][1]["department"] is None
    assert turns[1][1]["department"] == "roi" and turns[1][1]["pending_question"] is None


def test_washington_question_sets_roi_while_asking_which_part():
    turns = talk("my insurance company needs my records, I live in Washington", "olympia")
    assert turns[0][1]["pending_question"] == "region" and turns[0][1]["department"] == "roi"
    assert "866-656-4184" in said(turns[1][0])


def test_an_unmatched_reply_gets_the_question_once_more_then_is_let_go():
    turns = talk("I need my images", ("purple", "out_of_scope", 0.9), ("purple", "out_of_scope", 0.9))
    assert turns[1][0].kind == "ask_again" and "503-571-5051" in said(turns[1][0])
    assert turns[2][0].kind == "let_go" and turns[2][1]["pending_question"] is None


# -- corrections and places --------------------------------------------------------


def test_a_correction_changes_the_fact_and_the_answer():
    turns = talk("I want a full copy of my record", "wait, it's my husband's")
    assert turns[1][0].kind == "correction" and turns[1][1]["route"] == "roi_third_party"


def test_a_new_place_gives_that_places_contacts():
    turns = talk("I want a full copy of my record", "no, I live in Yakima")
    assert "509-241-7824" in said(turns[1][0]) and turns[1][1]["region"] == "eastern_washington"


def test_a_place_said_not_to_be_it_does_not_count():
    assert place(C, V, "i meant spokane, never portland") == "eastern_washington"
    assert place(C, V, "moved from salem to tacoma") == "western_washington"


# -- what the step leaves to the intent's own handler ----------------------------------


def test_button_payloads_and_small_talk_go_to_their_handlers():
    assert talk(('/inform{"record_kind":"full_record"}', "inform", 1.0))[0][0].delegate == "inform"
    assert talk(("hi there", "greet", 0.99))[0][0].delegate == "greet"


def test_a_rights_question_goes_to_the_rights_handler():
    ((outcome, _),) = talk(("can they refuse to give me my chart? what does the law say", "ask_denial_rights", 0.9))
    assert outcome.delegate == "ask_denial_rights"


def test_sorry_its_late_needs_something_late():
    ((outcome, _),) = talk(("I still need the form", "report_overdue_request", 0.7))
    assert outcome.delegate != "report_overdue_request"


# -- the content file ------------------------------------------------------------------


def test_conversation_content_loads_and_cross_checks():
    assert list(V.safety) == ["crisis", "emergency", "abuse", "poison"]
    assert all(faq.source in C.sources for faq in V.faq.values())


def test_emergency_numbers_match_the_reference():
    from pathlib import Path

    reference = yaml.safe_load((Path(__file__).parents[1] / "reference" / "facts.yml").read_text())["emergency"]
    assert {k: n.value for k, n in V.numbers.items()} == reference


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: d["faq"]["email_ok"].__setitem__("source", "rumour"), "unknown source"),
        (lambda d: d["faq"]["email_ok"].__setitem__("for", ["billing"]), "neither a route"),
        (lambda d: d["safety"]["crisis"].__setitem__("reply", {"en": "Call {number.nobody}."}), "unknown placeholder"),
        (lambda d: d["requests"].__setitem__("pizza", ["pizza"]), "not a request type"),
        (lambda d: d["option_words"]["region"].pop(), "one word list per option"),
    ],
)
def test_conversation_content_rejects_broken_files(mutate, message):
    raw = copy.deepcopy(read_conversation_raw())
    mutate(raw)
    with pytest.raises(ValueError, match=message):
        parse_conversation(raw, C)


def test_user_texts_of_conversation_content_are_short_and_plain():
    texts = [p.reply for p in V.safety.values()] + [p.reply for p in V.neighbours.values()]
    texts += [f.answer for f in V.faq.values()]
    for text in texts:
        raw = text.get()
        assert len(raw) <= 320 and "*" not in raw and "<" not in raw


def test_records_a_person_can_download_stay_on_the_portal_unless_we_are_asked_to_send_them():
    ((outcome, slots),) = talk("my new job wants proof of my vaccinations, where do I get my immunization record")
    assert slots["department"] == "self_service"
    ((outcome, slots),) = talk("please send my shot record to my employer")
    assert slots["route"] == "roi_third_party"


# -- second round: what fresh writers found (writers 5 and 6) -------------------------


def test_each_of_two_requests_gets_its_own_facts():
    # the dentist gets the x-rays; the shot record is the patient's own (the portal)
    ((outcome, slots),) = talk("I need my covid vaccine record and also copies of my dental xrays for my new dentist")
    assert slots["department"] == "self_service" and slots.get("recipient") is None
    assert "Dental x-rays" in said(outcome)
    # the manager is the note's reader, not a recipient of the lab results
    ((outcome, slots),) = talk("I need a return to work note for my manager, and could I also get my lab results?")
    assert slots["department"] == "clinical_team"
    assert "Authorization for Kaiser Permanente" not in said(outcome) and "kp.org" in said(outcome)


def test_a_change_to_an_approved_leave_outranks_the_leave_it_names():
    reading = read(C, V, "my FMLA was already approved but my surgery moved, how do I get it changed")
    assert reading.requests == ("leave_change",)
    assert read(C, V, "i need to extend my fmla").requests == ("leave_change",)  # "fmla" inside the phrase
    assert "leave_certification" in read(C, V, "I need FMLA papers for my surgery").requests


def test_what_is_said_not_to_be_asked_is_not_a_request():
    reading = read(C, V, "oh sorry its not fmla, its a short term disability form")
    assert reading.requests == ("disability_form",)


def test_the_place_after_i_meant_wins():
    assert (
        read(C, V, "ugh sorry I meant Tacoma. my sister is the one in spokane").facts["region"] == "western_washington"
    )
    assert read(C, V, "I'm in Spokane").facts["region"] == "eastern_washington"


def test_a_personal_representative_is_treated_as_the_patient_with_proof():
    ((outcome, slots),) = talk("caller wants her late husband's chart for probate")
    assert slots["department"] == "roi" and slots.get("requester") == "representative"
    assert "executor" in said(outcome) and "Authorization for Kaiser Permanente" not in said(outcome)
    # remembered: "what does he need to send?" gets the proof too (writer 12's executor)
    (_, (outcome, slots)) = talk(
        ("My father died in August. I need his records for the estate. I'm the executor.", "request_records", 0.94),
        ("What should I send with the request?", "ask_what_to_include", 1.0),
    )
    assert "health record number" in said(outcome) and "proof" in said(outcome)
    (_, _, (outcome, slots)) = talk(
        ("I need my dad's records", "request_records", 0.9),
        ("i have his power of attorney", "inform", 0.6),
        ("what does he need to include?", "ask_what_to_include", 1.0),
    )
    assert slots["route"] == "roi_own_copy" and "proof" in said(outcome)
    (_, (outcome, slots)) = talk(
        "His new neurologist outside Kaiser wants his records.",
        ("I have his healthcare power of attorney.", "ask_free_copy", 0.41),
    )
    assert slots.get("requester") != "proxy" and slots["recipient"] == "clinician"


def test_a_toll_free_question_is_a_phone_question_not_a_price():
    reading = read(C, V, "is there a toll free number, calling from out of state")
    assert reading.asks == ("phone",)
    ((outcome, slots),) = talk(("is there a toll free number, calling from out of state", "ask_contact", 0.99))
    assert "800-813-2000" in said(outcome) and "Cost" not in said(outcome) and slots["department"] == "roi"


def test_a_request_status_follow_up_with_nothing_there_goes_to_roi():
    (first, (outcome, slots)) = talk(
        "I asked for my records 2 weeks ago and nothing has shown up",
        ("I looked there, it doesn't show anything at all", "nlu_fallback", 0.3),
    )
    assert first[1]["department"] == "self_service" and "My requests" in said(first[0])
    assert slots["department"] == "roi" and "503-571-5051" in said(outcome)


def test_a_definition_sets_its_own_department():
    ((outcome, slots),) = talk(("What is PowerShare? Our dental office was told Kaiser uses it.", "out_of_scope", 0.5))
    assert slots["department"] == "roi" and "download" in said(outcome)
    ((outcome, slots),) = talk("what does intermittent leave mean")
    assert slots["department"] == "leave_form"


def test_an_ada_form_for_the_records_department_is_sent_to_the_care_team():
    text = "Should we fax our ADA medical inquiry form to your records department?"
    ((outcome, slots),) = talk((text, "request_ada_accommodation", 1.0))
    assert slots["department"] == "clinical_team" and "Do not send this to ROI" in said(outcome)


def test_an_overdose_with_a_person_hard_to_wake_is_911():
    text = "Mom took a whole week of her pills at once, she's really drowsy and I can barely wake her"
    ((outcome, slots),) = talk((text, "out_of_scope", 0.44))
    assert said(outcome).startswith("This may be an emergency. Call 911") and slots["department"] is None
    assert safety_kind(V, "grandpa took all his pills at once") == "poison"


def test_a_star_in_a_phrase_stands_for_a_few_words():
    assert read(C, V, "how do I add lab results to my chart").requests[0] == "add_to_chart"
    assert read(C, V, "I'd like them put in my Kaiser chart").requests == ("add_to_chart",)


def test_a_negated_clause_names_nothing():
    reading = read(C, V, "I want EVERY page of my chart. Not the little summary on the website. How long?")
    assert reading.departments == () and reading.requests == ("records",)
    assert read(C, V, "im not sure which records i need").requests == ("records",)  # "not sure" is no "not"


def test_time_words_count_only_near_the_symptom():
    old = "Mom had a stroke two weeks ago and I need her leave form. She can't use a computer right now."
    assert safety_kind(V, clean(old)) is None
    assert safety_kind(V, clean("my dad is having a stroke right now")) == "emergency"


def test_a_law_named_with_a_time_question_goes_to_the_rights_answers():
    ((outcome, _),) = talk(("isnt there a law in washington about how long they get?", "nlu_fallback", 0.3))
    assert outcome.delegate == "ask_records_deadline"
    # "do they have to" alone, about a route in context, is the route's own time
    (_, (outcome, _)) = talk(
        ("my chart says i smoke, i never have", "request_record_correction", 1.0),
        ("how long do they have to fix it", "ask_time_frame", 0.8),
    )
    assert outcome.delegate is None and "60 days" in said(outcome)


def test_a_route_question_with_its_own_department_puts_the_conversation_on_that_route():
    (first, (outcome, slots)) = talk(
        ("sent my records request last week, how do i check on it", "check_request_status", 0.99),
        ("ok I looked and it's been 5 weeks, still nothing", "report_overdue_request", 1.0),
    )
    assert first[1]["department"] == "self_service" and first[1]["route"] == "request_status"
    assert slots["department"] == "roi" and "503-571-5051" in said(outcome)


def test_a_place_after_a_department_only_answer_gives_that_regions_contacts():
    (_, (outcome, slots)) = talk("ROI fax?", "oh we're in Tacoma, patient was seen at the Tacoma kaiser")
    assert slots["region"] == "western_washington" and "877-848-6896" in said(outcome)


def test_both_requests_of_one_message_are_in_the_state_and_either_can_be_asked_about():
    (first, (outcome, slots)) = talk("I need my MRI and also FMLA papers", "will my manager get a copy?")
    assert first[1]["request_type"] == "imaging" and first[1]["second_request"] == "leave_certification"
    assert "Only if the patient asks" in said(outcome)  # the leave form's route question
    ((_, slots),) = talk("I need my MRI")
    assert slots["second_request"] is None


def test_a_correction_sends_only_what_changed():
    (first, (outcome, slots)) = talk("my lawyer needs my records", "sorry, I live in Salem")
    assert [r.part for r in first[0].replies][:3] == ["department_card", "steps", "checklist"]
    # same region, same answer: the department line, the steps and the contacts only
    assert [r.part for r in outcome.replies] == ["department_card", "steps", "contacts"]
    (first, (outcome, slots)) = talk("my lawyer needs my records", "wait, no, I live in Spokane")
    parts = [r.part for r in outcome.replies]
    # another region: its own steps and contacts; the checklist reads the same and is left out
    assert parts[0] == "department_card" and "steps" in parts and "checklist" not in parts
    assert "509-241-7824" in said(outcome)


@pytest.mark.parametrize(
    "text, kind",
    [
        ("my chest is really tight and hurts", "emergency"),
        ("she is having trouble with her breathing", "emergency"),
        ("his arm went all numb and his face is drooping", "emergency"),
        ("dad took too many of his sleeping pills", "poison"),
        ("I think I want to end my life", "crisis"),
        ("can I get records of my chest pain visit from last year", None),
        ("my chest hurts and I need my records from last week", "emergency"),
        ("my chest x-ray from 2020", None),
    ],
)
def test_safety_words_with_a_few_words_between(text, kind):
    assert safety_kind(V, clean(text)) == kind


def test_a_place_said_to_lack_the_records_is_not_where_to_go():
    reading = read(C, V, "I need the whole thing for my own files, the portal doesnt have the old stuff")
    assert "self_service" not in reading.departments
    assert read(C, V, "how do i see my results on the portal").departments == ("self_service",)


# -- the right office for every region and every kind of answer ---------------------------
REGION_OF_PLACE = {"Portland": "kp_northwest", "Seattle": "kp_washington_west", "Spokane": "kp_washington_east"}


def roi_contacts(region: str) -> set:
    return {C.contacts[c].value for c in C.departments["roi"].contacts[region]}


@pytest.mark.parametrize("place", list(REGION_OF_PLACE))
@pytest.mark.parametrize(
    "kind, turns",
    [
        ("route", ["I live in {place} and need a copy of my medical records"]),
        ("detail", ["I live in {place} and need a copy of my medical records", "what's their phone number?"]),
        ("route question", ["I live in {place} and need a copy of my medical records", "does email work?"]),
        ("status", ["I live in {place}", "my records request is late"]),
        ("lawyer", ["I'm in {place}, my lawyer needs my records"]),
    ],
)
def test_every_answer_names_its_regions_roi_and_no_other(place, kind, turns):
    outcome, slots = talk(*[t.format(place=place) for t in turns])[-1]
    answer = said(outcome)
    region = REGION_OF_PLACE[place]
    others = set().union(*(roi_contacts(r) for r in REGION_OF_PLACE.values() if r != region)) - roi_contacts(region)
    assert any(value in answer for value in roi_contacts(region)), (kind, answer)
    assert not [value for value in others if value in answer], (kind, answer)


# -- copies the law makes free ------------------------------------------------------


def test_a_price_question_for_a_disability_appeal_in_washington_gets_the_free_copy_rule():
    ((outcome, _),) = talk(
        "I'm in Yakima and need my records for my Social Security disability appeal. Do I have to pay?"
    )
    text = said(outcome)
    assert "Washington law: " in text and "free" in text and "2 years" in text
    assert "If you live in" not in text


def test_a_price_question_for_an_appeal_with_no_state_gets_each_states_rule_by_name():
    (_, slots), (outcome, _) = talk(
        "my lawyer needs my records", "I need them for my social security disability appeal, do I have to pay?"
    )
    assert slots["department"] == "roi"
    text = said(outcome)
    assert "$16.50" in text  # the route's own price comes first
    assert "If you live in Washington:" in text and "If you live in California:" in text


def test_oregon_has_no_free_copy_rule_for_an_appeal():
    ((outcome, _),) = talk("I live in Salem and need copies of my records for my SSDI appeal, how much will it cost?")
    assert "free if you need it" not in said(outcome)


def test_paid_leave_copies_in_washington_are_free_but_the_leave_form_question_is_not_a_copy_question():
    ((outcome, _),) = talk("I'm in Tacoma. Do I have to pay for copies of my records for my WA PFML claim?")
    assert "paid family or medical leave claim" in said(outcome)
    ((outcome, _),) = talk("I'm in Tacoma. How much does the FMLA form cost for my WA PFML claim?")
    assert "Washington law: " not in said(outcome)


def test_no_price_question_no_free_copy_note():
    ((outcome, _),) = talk("I'm in Yakima and need my records for my Social Security disability appeal")
    assert "Washington law: " not in said(outcome)


@pytest.mark.parametrize(
    "text",
    [
        "my doctor ordered an MRI of my knee, how do I schedule it",
        "how do i set up a ct scan my dr ordered",
        "when is my ultrasound appointment",
        "cancel my x-ray appointment",
        "i got a bill for my xray, who do i pay",
        "what does high a1c mean on my results",
    ],
)
def test_booking_a_scan_a_scan_bill_or_a_result_meaning_gets_a_pointer_and_no_department(text):
    ((outcome, slots),) = talk(text)
    assert outcome.kind.startswith("neighbour:")
    assert not slots.get("department")
    assert "503-813-2000" in said(outcome)


@pytest.mark.parametrize(
    "text, department",
    [
        ("my doctor ordered an mri and my new ortho needs the images", "imaging"),
        ("I need my billing records and chart for my lawyer", "roi"),
        ("what does intermittent leave mean", "leave_form"),
    ],
)
def test_the_same_words_in_a_records_request_or_a_definition_are_not_a_neighbours_task(text, department):
    ((outcome, slots),) = talk(text)
    assert not outcome.kind.startswith("neighbour:")
    assert slots.get("department") == department


@pytest.mark.parametrize(
    "ask",
    [
        "do I just mail it to your records office?",
        "cant the records ppl just do it faster",
        "can I just email the form to the ROI address",
    ],
)
def test_a_form_the_clinical_team_fills_out_stays_with_them_when_roi_is_named(ask):
    (_, first), (outcome, slots) = talk("my jury duty form needs my doctor to sign it", ask)
    assert first["department"] == slots["department"] == "clinical_team"
    assert "Do not send this to ROI" in said(outcome)


def test_a_paper_leave_form_is_not_faxed_to_the_clinic_and_the_letter_comes_back_online():
    (_, _), (outcome, slots), (back, after) = talk(
        "I need FMLA paperwork for my knee surgery",
        "So we can't just fax the DOL form over to the clinic?",
        "How do we get the completed certification back then?",
    )
    assert slots["department"] == after["department"] == "leave_form"
    assert "Request FMLA Medical Certification" in said(outcome)
    assert "Letters" in said(back)


def test_a_new_records_request_naming_roi_during_a_form_is_still_a_records_request():
    (_, _), (outcome, slots) = talk(
        "my jury duty form needs my doctor to sign it", "can ROI also send my records to my lawyer?"
    )
    assert slots["department"] == "roi"
    assert "Do not send this to ROI" not in said(outcome)


def test_the_kind_of_record_said_again_after_the_answer_gets_the_card_and_contacts_not_a_stray_question():
    (_, first), (outcome, slots) = talk("hi i need a copy of my records", "all of it. everything from 2019 on")
    assert slots["department"] == "roi" and outcome.kind == "restated"
    assert [r.part for r in outcome.replies] == ["department_card", "contacts"]
    assert "teen" not in said(outcome)  # not the question about a child's chart


def test_a_price_question_is_not_taken_for_a_route_question_that_only_looks_alike():
    (_, _), (outcome, _) = talk("hi i need a copy of my records", "do i have to pay 4 it")
    assert "free" in said(outcome) and "come in" not in said(outcome)


def test_the_question_about_a_childs_chart_needs_a_child():
    (_, _), (outcome, _) = talk("I need my son's records", "can I get everything in his chart")
    assert "teen" in said(outcome)


def test_an_attending_physician_statement_is_a_disability_form_not_a_bill():
    ((outcome, slots),) = talk(
        (
            "unum long term disability keeps asking for an attending physician statement from my doc, who does those",
            "request_disability_form",
            0.7,
        )
    )
    assert not outcome.kind.startswith("neighbour:")


@pytest.mark.parametrize(
    "first, follow_up, faq",
    [
        ("I want to fix a mistake in my chart", "what if they say no", "amend_refused"),
        ("my lawyer needs my records", "does it have to be signed by hand", "sign_in_ink"),
        ("where do i get my test results", "ok which menu", "portal_where"),
        ("my dentist wants my dental xrays", "is there an app for that", "images_delivery"),
        (
            "short term disability form from my insurer",
            "i dont have a claim number yet is that a problem",
            "disability_include",
        ),
        (
            "my mom had an MRI at kaiser and her new neurologist wants it",
            "shes asking if the written report is enough or should she get the images",
            "images_not_report",
        ),
    ],
)
def test_a_follow_up_gets_the_route_question_written_for_that_route(first, follow_up, faq):
    (_, before), (outcome, after) = talk(first, follow_up)
    assert outcome.kind == f"faq:{faq}"
    assert after["department"] == before["department"]


def test_the_same_request_said_again_gets_its_answer_again_not_a_stray_route_question():
    (_, _), (outcome, _) = talk("I need my records", "I need my records")
    assert outcome.kind == "request"


def test_who_pays_when_a_husband_collects_the_records_is_the_third_party_fee():
    (_, slots), (outcome, _) = talk(
        ("can my husband get a copy of my records for me? Im working nights all week", "request_records", 0.8),
        "who pays, me or them",
    )
    assert slots["route"] == "roi_third_party"
    assert "$16.50" in said(outcome)


def test_straight_through_leave_is_continuous():
    (_, _), (outcome, slots) = talk(
        "I need fmla for my pregnancy", "im on bed rest until delivery, so straight through"
    )
    assert slots["leave_type"] == "continuous"
    assert "Continuous leave" in said(outcome)


@pytest.mark.parametrize(
    "text", ["I need to add my newborn to my Kaiser membership", "when is my next appt can u check"]
)
def test_membership_and_appointment_shorthand_get_the_pointer(text):
    ((outcome, slots),) = talk(text)
    assert outcome.kind.startswith("neighbour:") and not slots.get("department")


def test_an_agent_typing_for_the_caller_means_the_callers_own_records_and_a_page_count_gets_the_price():
    (_, first), (pages, _), (cheaper, after) = talk(
        "Caller asking what it costs to get a printed copy of her records mailed to her home",
        "she thinks its about 200 pages",
        "is there a cheaper way for her",
    )
    assert first["route"] == after["route"] == "roi_own_copy"
    assert "25 pages" in said(pages)
    assert "free" in said(cheaper)


def test_an_agent_naming_the_callers_mother_is_a_third_party():
    ((_, slots),) = talk("caller wants her moms records sent to her")
    assert slots["route"] == "roi_third_party"


@pytest.mark.parametrize("text", ["i need my daughters vaccine records", "need my sons shot record for school"])
def test_a_parent_asking_for_a_childs_shot_record_is_sent_to_the_portal(text):
    ((_, slots),) = talk(text)
    assert slots["department"] == "self_service"


def test_a_follow_up_about_the_second_of_two_requests_answers_that_one():
    (_, first), (outcome, slots) = talk(
        "I want to check on a records request I made, and theres also a mistake in my chart I want fixed",
        "how long does the fix take",
    )
    assert first["route"] == "request_status"
    assert slots["route"] == "record_correction" and "60 days" in said(outcome)


def test_a_question_about_the_second_of_two_requests_makes_it_the_topic():
    (_, first), (outcome, slots) = talk(
        "My dad needs his senior housing form filled out by his doctor and I need copies of his hospital records",
        "he can sign things fine, hes just hard of hearing",
    )
    assert first["department"] == "clinical_team" and first["second_request"] == "records"
    assert outcome.kind == "faq:sign_in_ink"
    assert slots["department"] == "roi" and slots["second_request"] == "clinician_form"


def test_never_mind_the_first_request_switches_to_the_new_one():
    (_, _), (outcome, slots) = talk(
        "I need to fix an error in my chart",
        ("never mind the correction, what I really need is just a copy of my allergy list", "request_records", 0.7),
    )
    assert slots["department"] == "self_service"
    (_, _), (outcome, slots) = talk("I need my records", "forget the records, I need fmla papers")
    assert slots["department"] == "leave_form"


@pytest.mark.parametrize(
    "text, kind",
    [
        ("my mom had a stroke, she cant talk right", "emergency"),
        ("I had chest pain last week and it is back now", "emergency"),
        ("She told me last night everyone would be better off without her", "crisis"),
        ("my brother keeps talking about suicide and I need his records", "crisis"),
    ],
)
def test_a_symptom_not_said_to_be_past_or_a_crisis_told_of_someone_else_comes_first(text, kind):
    ((outcome, slots),) = talk(text)
    assert outcome.kind == f"safety:{kind}" and not slots.get("department")


@pytest.mark.parametrize(
    "text, department",
    [
        (
            "My father had a stroke in March and is moving into assisted living next week. They gave us a packet of"
            " medical orders his doctor has to fill out. Where do I send it?",
            "clinical_team",
        ),
        (
            "Mom had a stroke last fall and cant drive anymore. She wants to apply for paratransit and the"
            " application needs her doctors part filled in. What do I do?",
            "clinical_team",
        ),
        (
            "Im a nurse at a skilled nursing facility. One of our residents is a Kaiser member and we have his new"
            " advance directive. How do we get it into his Kaiser chart?",
            "medical_records",
        ),
    ],
)
def test_a_stroke_in_the_past_is_the_story_of_a_request_not_an_emergency(text, department):
    ((outcome, slots),) = talk(text)
    assert not outcome.kind.startswith("safety")
    assert slots["department"] == department


def test_more_episodes_on_an_approved_intermittent_leave_is_a_change_for_the_clinical_team():
    ((_, slots),) = talk(
        "Ive had intermittent FMLA approved since January for migraines. Theyve gotten worse, 5 or 6 a month now"
        " instead of 2. Do I start a whole new request?"
    )
    assert slots["route"] == "leave_change" and slots["department"] == "clinical_team"


def test_a_daycare_asking_for_a_vaccine_record_is_a_record_but_a_daycare_form_is_a_form():
    ((_, slots),) = talk("new dad here. daycare wants our 4 month olds vaccine record. where do i find it")
    assert slots["department"] == "self_service"
    ((_, slots),) = talk("daycare needs a form signed by the doctor")
    assert slots["department"] == "clinical_team"


def test_a_drs_note_before_coming_back_is_a_work_note_and_an_appt_question_stays_with_the_form():
    (_, first), (visit, _) = talk(
        "had covid last wk, my manager at the grocery store wants a drs note before i come back. how do i get one",
        "do i have to go in or can they just send it",
    )
    assert first["route"] == "work_note" and visit.kind == "faq:visit_needed"
    (_, _), (outcome, slots) = talk(
        "caller needs a jury duty excuse form filled out", "caller asks does she need an appt"
    )
    assert outcome.kind == "faq:visit_needed" and slots["department"] == "clinical_team"


def test_moving_a_follow_up_appointment_gets_the_pointer_even_in_a_records_conversation():
    (_, _), (outcome, slots) = talk(
        "my mri images for my surgeon please", "whom should I call to move my follow-up appointment?"
    )
    assert outcome.kind == "neighbour:appointments" and not slots.get("department")


def test_outside_records_for_a_new_kaiser_chart_go_to_medical_records():
    ((_, slots),) = talk(
        "I just moved up to Portland from Sacramento and joined Kaiser. My old records are at a clinic in California."
        " How do I get them into my new Kaiser chart?"
    )
    assert slots["department"] == "medical_records"


def test_records_pointed_back_to_are_what_is_added_but_a_second_paper_is_a_second_request():
    ((_, slots),) = talk("my old doctor in Texas sent me my records and I want them added to my chart here")
    assert slots["department"] == "medical_records"
    ((outcome, slots),) = talk("send my records to my lawyer and also add my advance directive to my chart")
    assert slots["department"] == "roi" and "500 NE Multnomah" in " ".join(r.text for r in outcome.replies)


# -- round 5: independent writers 13 and 15 (first play, then read) ------------------


def test_where_the_care_is_wins_over_where_someone_lives():
    text = "i live in seattle but my mom is in a nursing home in salem and gets her care from kaiser down there"
    assert place(C, V, text) == "oregon"
    assert place(C, V, "i get care at kaiser in tacoma but live in portland") == "western_washington"
    assert place(C, V, "i live in yakima") == "eastern_washington"


def test_bare_washington_keeps_the_part_of_washington_already_known():
    (_, (outcome, slots)) = talk(
        ("I live in Vancouver WA. How do I get a copy of my complete records?", "request_records", 0.9),
        ("but I'm in Washington, shouldn't I be calling the Washington office?", "ask_contact", 0.87),
    )
    assert slots["region"] == "sw_washington" and slots["department"] == "roi"
    assert "503-571-5051" in said(outcome) and "Which part" not in said(outcome)


def test_a_scan_of_the_form_is_no_imaging_request():
    assert read(C, V, "Can she send a phone photo of the form rather than a scan?").requests == ()
    assert read(C, V, "i need my ct scan images").requests == ("imaging",)


def test_a_result_said_to_be_high_is_a_question_for_the_care_team():
    assert read(C, V, "ok found it. it says my MCV is high, what does that mean").neighbour == "results_meaning"


def test_a_correction_naming_the_request_in_context_and_another_means_the_other():
    (_, (outcome, slots)) = talk(
        ("i need kaiser to fill out my long term disability paperwork", "request_disability_form", 0.98),
        ("no no. the LTD is over, they cut me off. now my job wants a return to work note", "request_work_note", 0.65),
    )
    assert slots["route"] == "work_note" and slots["department"] == "clinical_team"
    assert "You also asked" not in said(outcome)


def test_a_leading_correction_is_not_a_request_to_amend_the_record():
    reading = read(C, V, "Correction: our client is 16. Her mother will be signing.")
    assert "record_correction" not in reading.requests and reading.correction
    assert "record_correction" in read(C, V, "I need a correction to my record, my allergy is wrong").requests


def test_records_for_a_leave_claim_are_records_and_a_leave_form_request_is_not():
    assert read(C, V, "filing for wa paid family leave. need my records from kaiser").requests == ("records",)
    assert "leave_certification" in read(C, V, "I need the FMLA form and my records").requests


def test_a_state_law_named_outright_wins_over_where_someone_lives():
    from triage.rights import detect_jurisdiction

    text = "I moved from LA to Portland for grad school. What are my rights under California law?"
    assert detect_jurisdiction(C, text, [{"entity": "region", "value": "portland"}]) == "CA"
    assert detect_jurisdiction(C, "im in portland", [{"entity": "region", "value": "portland"}]) == "OR"


def test_the_law_on_a_correction_in_context_is_the_correction_rule():
    (_, (outcome, _)) = talk(
        ("my chart lists a wrong allergy, I want it fixed", "request_record_correction", 0.95),
        ("how long does washington law give them to fix it", "ask_records_deadline", 0.9),
    )
    assert outcome.delegate == "ask_correction_rights"
    (_, (outcome, _)) = talk(
        ("my chart lists a wrong allergy, I want it fixed", "request_record_correction", 0.95),
        ("and if they just refuse?", "ask_denial_rights", 0.5),
    )
    assert "statement of disagreement" in said(outcome) or outcome.delegate == "ask_correction_rights"


def test_time_off_alone_is_no_leave_request_beside_another_form():
    text = "hurt my shoulder, off work. Lincoln Financial sent me a short term disability form for the doc"
    assert read(C, V, text).requests == ("disability_form",)
    assert read(C, V, "I need FMLA and my disability form").requests == ("leave_certification", "disability_form")


def test_the_records_of_someone_who_died_come_from_roi_with_proof():
    (_, (outcome, slots)) = talk(
        ("where can i see my hospital records from march", "request_records", 0.9),
        ("Sorry, I should have said. Not mine. My wife's. She died in that hospital stay.", "inform", 0.5),
    )
    assert slots["route"] == "roi_own_copy" and slots["requester"] == "representative"
    assert "proof" in said(outcome)
    ((outcome, slots),) = talk(
        ("my husband passed away last month, I need his hospital records", "request_records", 0.9)
    )
    assert slots["department"] == "roi" and "kp.org. You can get this yourself" not in said(outcome)


def test_an_outside_office_caring_for_the_patient_is_a_clinician_and_detailed_notes_are_roi():
    text = "we need a KP patient's prior visit notes for his ongoing care here"
    assert read(C, V, text).facts["recipient"] == "clinician"
    assert read(C, V, "just the detailed visit notes from my ER visit in april").facts["record_kind"] == "full_record"


def test_a_typed_reply_to_the_rights_state_question_never_breaks_the_step():
    # writer 17: "so how much would it be then" while the rights answer waited for a
    # state raised KeyError('jurisdiction') (the rights flow's question, not the triage's)
    slots = {
        "pending_question": "jurisdiction",
        "request_type": "records",
        "route": "roi_own_copy",
        "department": "roi",
    }
    ((outcome, after),) = talk(("so how much would it be then", "out_of_scope", 0.44), slots=slots)
    assert after["department"] == "roi" and outcome.kind != "ask_again"


def test_call_center_shorthand():
    assert read(C, V, "pt wants copy of mammo for 2nd opinion outside KP").facts["imaging_kind"] == "mammogram"
    assert "records" in read(C, V, "cllr is mother of pt, req pt's full recs").requests
    assert (
        read(C, V, "One of my employees has been out 3 weeks. Can I get his medical records").facts["recipient"]
        == "employer"
    )


def test_no_email_gets_the_mailing_address():
    # writers 13 ("I no have email") and 17 ("she doesnt really use email. how about mailing it?")
    for text in ("I no have email", "she doesnt really use email. how about mailing it?"):
        (_, (outcome, slots)) = talk(("I want a copy of my record", "request_records", 0.9), (text, "ask_contact", 0.6))
        assert "500 NE Multnomah" in said(outcome) and slots["department"] == "roi", text


def test_more_time_asked_about_a_records_request_is_the_law_on_deadlines():
    # writers 12, 16, 17: "can they extend it?", "what if they need more time than that?"
    for text in ("Can they extend it?", "what if they need more time than that?"):
        (_, (outcome, _)) = talk(
            ("I need a copy of my whole chart", "request_records", 0.95), (text, "ask_time_frame", 0.5)
        )
        assert outcome.delegate == "ask_records_deadline", text
    (_, (outcome, slots)) = talk(
        ("I need FMLA for my surgery", "request_leave_certification", 0.95),
        ("can I extend my leave?", "request_leave_change", 0.9),
    )
    assert slots["department"] == "clinical_team"


def test_safety_word_pairs_catch_wording_no_phrase_lists():
    # independent writer 19 (first play: 21 of 50 emergencies caught by phrases alone)
    for text, kind in [
        ("my husband is gone all grey, says theres a weight pressing on his breastbone", "emergency"),
        ("Mom's face is sagging on the left side and her words are coming out jumbled", "emergency"),
        ("I am 81 and I have fallen in the kitchen. I cannot get up", "emergency"),
        ("dad's a type 1 diabetic, he's drenched in sweat and talking nonsense", "emergency"),
        ("I'm 36 weeks and haven't felt the baby move since yesterday", "emergency"),
        ("i just want to go to sleep and never wake up", "crisis"),
        ("he's outside right now smashing my car windows with a bat", "abuse"),
        ("he just ate some of grandma's blood pressure pills off the nightstand", "poison"),
    ]:
        assert safety_kind(V, clean(text)) == kind, text
    for text in [
        "My dad broke his hip in the fall and the surgeon wants the films from the Kaiser ER",
        "Physical therapy isn't going as well as hoped and I still can't lift my arm",
        "my chart says I attempted an overdose but it was an accidental double dose of my meds",
        "I took my blood pressure pills this morning, where do I see my labs",
        "who can jump off my dead car battery",
    ]:
        assert safety_kind(V, clean(text)) is None, text


def test_my_late_wife_is_no_late_request():
    # writer 16: "How do I get my late wife's records? I am the executor." got the rights answer
    ((outcome, slots),) = talk(("How do I get my late wife's records? I am the executor.", "ask_right_to_records", 0.6))
    assert slots["department"] == "roi" and "proof" in said(outcome)


@pytest.mark.parametrize(
    "text, kind",
    [
        # one spelling: "will not" is "won't", and a `*` phrase still matches
        ("cut my thumb on a can lid and the bleeding will not stop", "emergency"),
        ("my uncle took like 30 of his heart pills", "poison"),
        # a time word touching a symptom is past, but "now" later still fires
        ("I had chest pain last week and it is back now", "emergency"),
        ("bad headache all of a sudden and i'm seeing double", "emergency"),
        ("my neighbor drank some windshield washer fluid", "poison"),
        ("wrote goodbye notes and I'm saving up my pills", "crisis"),
    ],
)
def test_safety_words_in_the_ways_people_spell_them(text, kind):
    ((outcome, slots),) = talk(text)
    assert outcome.kind == f"safety:{kind}" and not slots.get("department")


@pytest.mark.parametrize(
    "text, department",
    [
        # the symptom names something past: "stroke rehab", "died of a heart attack",
        # even with "right now" further on
        ("my wife is in stroke rehab right now and her job wants FMLA papers from me", "leave_form"),
        ("my grandpa died of a heart attack out of nowhere, how do I get a copy of his chart", "roi"),
        # "3 yrs ago", "hace 6 meses": a span of time ago
        ("after a car crash 3 yrs ago my lawyer wants my ER records", "roi"),
    ],
)
def test_a_symptom_named_as_something_past_is_a_request(text, department):
    ((outcome, slots),) = talk(text)
    assert not outcome.kind.startswith("safety"), outcome.kind
    assert slots["department"] == department


def test_an_address_asked_for_a_named_form_is_the_address_not_a_definition():
    ((outcome, slots),) = talk("what's the mailing address for my signed authorization form?")
    assert "500 NE Multnomah" in said(outcome) and slots["department"] == "roi"
    assert not outcome.kind.startswith("definition")
    ((outcome, _),) = talk("what does authorization mean?")
    assert outcome.kind == "definition:authorization"


def test_a_legal_deadline_asked_is_the_laws_answer_not_the_status_check():
    ((outcome, _),) = talk(
        ("I sent my records request on March 3 in Fresno, what's the legal deadline?", "ask_records_deadline", 0.8)
    )
    assert outcome.kind == "rights" and outcome.delegate == "ask_records_deadline"


def test_an_emergency_told_with_abuse_gets_911_first_then_the_abuse_hotline():
    ((outcome, slots),) = talk("my boyfriend choked me last night and now I can't breathe right")
    texts = [r.text for r in outcome.replies]
    assert outcome.kind == "safety:emergency" and not slots.get("department")
    assert "911" in texts[0] and "1-800-799-7233" in texts[1] and len(texts) == 2
    # one kind alone: one answer
    ((outcome, _),) = talk("my chest hurts really bad right now")
    assert len(outcome.replies) == 1 and "1-800-799-7233" not in outcome.replies[0].text
    assert safety_kinds(V, "he is hitting me right now and my chest hurts") == ("emergency", "abuse")


# -- round 6: Spanish writers 35 and 36 (first play, then read); the same rules in English


def test_california_or_a_providers_duty_with_a_time_or_cost_is_the_laws_answer():
    for text, delegate in (
        ("In California, how long do they have to give me copies of my records?", "ask_records_deadline"),
        ("in california how much can they charge per page for my records", "ask_records_fees"),
        (
            "In Washington, how many days does a provider have to respond when I ask for my records?",
            "ask_records_deadline",
        ),
    ):
        ((outcome, _),) = talk(text)
        assert outcome.delegate == delegate, text
    # no state and no duty: Kaiser Permanente's own time
    ((outcome, slots),) = talk("how long does it take to get my records?")
    assert outcome.delegate is None and slots["department"] == "roi"


def test_a_department_named_by_its_own_number():
    ((outcome, slots),) = talk("is 503-571-8451 open on saturday?")
    assert slots["department"] == "imaging" and outcome.kind == "detail"
    # the toll-free line several departments share names none
    assert read(C, V, "what is 800-813-2000 for").departments == ()


def test_a_bill_named_outright_gets_the_billing_pointer_in_a_records_conversation():
    (_, _), (outcome, slots) = talk("my lawyer needs my records", "also I got a kaiser bill I don't understand")
    assert outcome.kind == "neighbour:billing" and not slots.get("department")


def test_a_place_given_in_a_records_conversation_is_no_change_of_address():
    (_, _), (outcome, slots) = talk(
        "I need a copy of my records", "sorry, I moved, now I live in spokane and get care there"
    )
    assert slots["department"] == "roi" and "509-241-7824" in said(outcome)


def test_a_phrase_with_a_gap_holds_the_records_at_its_end():
    reading = read(C, V, "quiero que agreguen mi testamento vital a mi expediente y tambien copia de mis vacunas")
    assert reading.requests == ("add_to_chart", "records") and reading.positions["records"] > 60


def test_the_chart_named_as_where_papers_go_is_no_records_request():
    reading = read(
        C, V, "Ella lleno su directiva anticipada y quiere que su doctor de Kaiser la tenga en su expediente"
    )
    assert reading.requests == ("add_to_chart",)
    reading = read(C, V, "tengo los records de mi doctor anterior y quiero que los agreguen a mi chart de Kaiser")
    assert reading.requests == ("add_to_chart",)
    # records asked for apart from the paper to add stay a request
    assert read(C, V, "send my records to my lawyer and also add my advance directive to my chart").requests == (
        "records",
        "add_to_chart",
    )


def test_a_place_forms_are_sent_to_is_no_request_of_its_own():
    (_, _), (outcome, slots) = talk(
        ("We do have our own ADA accommodation form. What does she do with it?", "request_clinician_form", 0.9),
        ("Can we just email it to nw.roi@kp.org? That's where we send disability forms.", "ask_contact", 0.83),
    )
    assert slots["department"] == "clinical_team" and "Do not send this to ROI" in said(outcome)


def test_a_contact_asked_for_records_in_a_place_is_only_that_contact():
    for text, number in (
        ("what's the fax for records in Spokane?", "855-414-1751"),
        ("cual es el fax de records en spokane?", "855-414-1751"),
        ("whats the phone number for records in tacoma", "866-656-4184"),
    ):
        ((outcome, slots),) = talk(text)
        assert outcome.kind == "detail" and number in said(outcome) and slots["department"] == "roi", text
        assert "Steps" not in said(outcome) and "Pasos" not in said(outcome), text


def test_vaccine_records_from_california_point_to_its_registry():
    for text, language in (
        ("whats the website for the california immunization registry to get vaccine records?", "en"),
        ("Vivo en California, donde saco el registro de vacunas de mi hijo para la escuela?", "es"),
    ):
        ((outcome, _),) = talk((text, "request_records", 0.8), slots={"language": language})
        assert "myvaccinerecord.cdph.ca.gov" in said(outcome), text
    ((outcome, _),) = talk(("I need my son's vaccine record for school", "request_records", 0.9))
    assert "myvaccinerecord" not in said(outcome)


def test_a_route_question_answer_adds_the_detail_it_does_not_give():
    (_, (outcome, _)) = talk(
        ("necesito mandar mis records a mi neurologo", "request_records", 0.9),
        "¿Eso tiene costo? ¿Y a qué correo electrónico mando todo?",
        slots={"language": "es"},
    )
    assert "nw.roi@kp.org" in said(outcome) and "Gratis" in said(outcome)
