from actions.action_compute_deadline import ActionComputeDeadline
from actions.action_explain_scope import ActionExplainScope
from actions.action_triage import ActionTriage
from tests.actions.helpers import entity, run, texts

ACTION = ActionComputeDeadline()


def test_date_and_state_give_the_dates():
    messages, _, slots = run(
        ACTION,
        "ask_records_deadline",
        [entity("region", "spokane")],
        text="I asked on March 3 in Spokane, when is it due?",
    )
    text = texts(messages)
    assert "You asked on Tue, Mar 3, 2026" in text
    assert "(15 working days): Tue, Mar 24, 2026 (passed)" in text
    assert "(21 working days): Wed, Apr 1, 2026 (passed)" in text
    assert "(5 business days): Tue, Mar 10, 2026" in text
    assert slots["request_date"] == "2026-03-03" and slots["jurisdiction"] == "WA"
    assert slots["region"] == "eastern_washington" and slots["department"] == "roi"


def test_date_without_state_asks_the_state_then_gives_dates():
    _, _, slots = run(ACTION, "ask_records_deadline", text="I sent it 2 weeks ago, when is it due?")
    assert slots["pending_question"] == "jurisdiction" and slots["request_date"] == "2026-11-07"
    messages, _, slots = run(ActionTriage(), "inform", [entity("jurisdiction", "texas")], slots, text="texas")
    text = texts(messages)
    assert "(30 days): Mon, Dec 7, 2026" in text and "(60 days): Wed, Jan 6, 2027" in text


def test_no_date_gives_the_rule_and_asks_when():
    messages, _, slots = run(
        ACTION, "ask_records_deadline", [entity("region", "california")], text="how long do they have in california"
    )
    assert "5 working days" in texts(messages) and "When did you send" in texts(messages)
    assert slots["pending_question"] == "request_date"
    messages, _, slots = run(ActionExplainScope(), "out_of_scope", slots=slots, text="october 2nd")
    assert "(15 days): Sat, Oct 17, 2026 (passed)" in texts(messages)


def test_unreadable_or_future_date_gets_a_question_back():
    _, _, slots = run(ACTION, "ask_records_deadline", slots={"jurisdiction": "WA"}, text="when is it due")
    messages, _, slots = run(ActionTriage(), "inform", slots=slots, text="the blue moon")
    assert "couldn't read that date" in texts(messages) and slots["pending_question"] == "request_date"
    messages, _, slots = run(ActionTriage(), "inform", slots=slots, text="12/30/2026")
    assert "in the future" in texts(messages)
