from actions.action_explain_rights import ActionExplainRights
from actions.action_triage import ActionTriage
from tests.actions.helpers import entity, run, texts

ACTION = ActionExplainRights()


def test_asks_the_state_once_when_the_answer_depends_on_it():
    messages, _, slots = run(ACTION, "ask_denial_rights", text="can they refuse to give me my chart?")
    # what was asked is answered at once with the federal rule (it applies everywhere) ...
    assert "Federal law" in messages[0]["text"] and "therapy notes" in messages[0]["text"]
    assert not messages[0].get("buttons")
    # ... then the state is asked, for its own rule
    assert [b["title"] for b in messages[-1]["buttons"]] == ["Washington", "Oregon", "California", "Another state"]
    assert slots["pending_question"] == "jurisdiction" and slots["jurisdiction_asked"] is True
    assert slots["rights_topic"] == "refusal"
    assert slots["department"] == "roi"

    # the button answer finishes the question with Washington's rules
    messages, _, slots = run(ActionTriage(), "inform", [entity("region", "washington")], slots, text="/inform")
    text = texts(messages)
    assert "Washington law:" in text and "another provider can review" in text
    assert "not legal advice" in text
    assert slots["jurisdiction"] == "WA" and slots["pending_question"] is None

    # the state is kept: the next rights question is answered for Washington at once
    messages, _, slots = run(ACTION, "ask_correction_rights", slots=slots, text="how long do they have to fix an error")
    assert "10 days" in texts(messages) and "21 days" in texts(messages)


def test_state_in_the_message_answers_at_once():
    messages, _, slots = run(
        ACTION, "ask_correction_rights", [entity("region", "Sacramento")], text="I'm in Sacramento, can I add a note?"
    )
    assert "California law:" in texts(messages) and "250 words" in texts(messages)
    assert slots["jurisdiction"] == "CA"


def test_federal_rules_when_the_person_does_not_say_after_being_asked():
    slots = {"jurisdiction_asked": True}
    messages, _, slots = run(ACTION, "ask_complaint", slots=slots, text="where do i complain")
    text = texts(messages)
    assert "Federal law (HIPAA):" in text and "180 days" in text
    assert "Tell me your state" in text
    assert slots.get("jurisdiction") is None


def test_oregon_says_it_follows_the_federal_rule():
    messages, _, _ = run(ACTION, "ask_denial_rights", [entity("region", "oregon")], text="in oregon can they deny me")
    assert "Oregon uses the federal rule here." in texts(messages)


def test_codes_go_to_the_clinical_team():
    _, _, slots = run(
        ACTION, "ask_explain_codes", [entity("region", "spokane")], text="what do the codes mean, I'm in spokane"
    )
    assert slots["department"] == "clinical_team"


def test_a_new_request_drops_the_open_state_question():
    _, _, slots = run(ACTION, "ask_right_to_records", text="do i have a right to my records")
    messages, _, slots = run(
        ActionTriage(), "request_imaging", [entity("imaging_kind", "mri")], slots, text="i need my mri in seattle"
    )
    assert slots["department"] == "imaging"


def test_care_in_california_sets_no_department_of_ours():
    messages, _, slots = run(
        ACTION, "ask_records_fees", text="How much can a California hospital charge per page for copies?"
    )
    assert "California" in texts(messages) and slots["department"] is None


def test_the_place_already_given_answers_which_state():
    messages, _, slots = run(
        ACTION, "ask_denial_rights", slots={"region": "eastern_washington"}, text="can they refuse my chart?"
    )
    assert "Washington law:" in texts(messages) and slots["pending_question"] is None


def test_a_request_of_ours_in_the_conversation_keeps_its_department_under_another_states_law():
    messages, _, slots = run(
        ACTION,
        "ask_records_deadline",
        slots={"route": "roi_third_party", "request_type": "records", "department": "roi"},
        text="I'm in Fresno, what's the legal deadline?",
    )
    assert "California" in texts(messages) and slots["department"] == "roi"
