from actions.action_estimate_fee import ActionEstimateFee
from actions.action_explain_scope import ActionExplainScope
from actions.action_triage import ActionTriage
from tests.actions.helpers import entity, run, texts

ACTION = ActionEstimateFee()


def test_pages_and_state_in_one_message_give_the_amount():
    messages, _, slots = run(
        ACTION, "ask_records_fees", [entity("region", "Washington")], text="how much for 120 pages in Washington?"
    )
    text = texts(messages)
    assert "30 pages x $1.24 = $37.20" in text and "90 pages x $0.94 = $84.60" in text
    assert "Total: $149.80" in text
    assert slots["jurisdiction"] == "WA" and slots["department"] == "roi"


def test_pages_without_a_state_ask_the_state_then_compute():
    messages, _, slots = run(ACTION, "ask_records_fees", text="how much would 40 pages cost")
    assert slots["pending_question"] == "jurisdiction" and slots["page_count"] == "40"
    messages, _, slots = run(ActionTriage(), "inform", [entity("region", "california")], slots, text="california")
    assert "40 pages x $0.25 = $10.00" in texts(messages)


def test_no_pages_gives_the_rules_then_asks_pages_for_an_estimate():
    messages, _, slots = run(
        ACTION, "ask_records_fees", [entity("region", "oregon")], text="what can they charge me in oregon"
    )
    assert "ORS 192.563" in texts(messages)
    assert "Estimate my cost" in [b["title"] for b in messages[-1]["buttons"]]
    messages, _, slots = run(ACTION, "ask_records_fees", slots=slots)  # the button
    assert "how many pages" in texts(messages).lower() and slots["pending_question"] == "pages"
    messages, _, slots = run(ActionExplainScope(), "nlu_fallback", slots=slots, text="about 45")
    assert "no set price per page" in texts(messages)


def test_negative_or_non_numeric_pages_get_a_question_back():
    messages, _, slots = run(ACTION, "ask_records_fees", text="how much for -20 pages in wa")
    assert "page count of 1 or more" in texts(messages) and slots["pending_question"] == "pages"
    messages, _, slots = run(ActionTriage(), "inform", slots=slots, text="umm a lot")
    assert "page count of 1 or more" in texts(messages)
    messages, _, slots = run(ActionTriage(), "inform", slots=slots, text="300")
    assert "Total: $319.00" in texts(messages)  # 37.20 + 270 x 0.94 = 253.80, + 28 = 319.00


def test_free_copy_for_an_ssi_appeal_in_washington():
    messages, _, _ = run(
        ACTION,
        "ask_records_fees",
        [entity("copy_purpose", "ssi appeal")],
        {"jurisdiction": "WA"},
        text="cost of 80 pages for my ssi appeal",
    )
    assert "may be free" in texts(messages)


def test_third_party_pays_the_flat_fee():
    messages, _, _ = run(
        ACTION,
        "ask_records_fees",
        [entity("recipient", "lawyer")],
        {"jurisdiction": "WA"},
        text="my lawyer wants 50 pages, how much",
    )
    assert "$16.50" in texts(messages)
