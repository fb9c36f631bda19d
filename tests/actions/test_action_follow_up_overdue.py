from actions.action_follow_up_overdue import ActionFollowUpOverdue
from tests.actions.helpers import entity, run, texts

ACTION = ActionFollowUpOverdue()


def test_overdue_gives_portal_roi_then_deadline_and_complaint():
    messages, _, slots = run(
        ACTION,
        "report_overdue_request",
        [entity("region", "washington")],
        text="I asked on March 3 in washington and still nothing",
    )
    text = texts(messages)
    assert text.index("My requests") < text.index("503-571-5051") < text.index("Washington deadline")
    assert "deadline has passed" in text and "bar association" in text
    assert slots["department"] == "roi"


def test_overdue_recent_request_is_not_yet_late_by_law():
    messages, _, _ = run(
        ACTION,
        "report_overdue_request",
        slots={"jurisdiction": "federal"},
        text="I requested my records 3 weeks ago and got nothing",
    )
    text = texts(messages)
    assert "Mon, Nov 30, 2026" in text and "not passed yet" in text


def test_overdue_without_date_asks_for_it():
    messages, _, slots = run(
        ACTION, "report_overdue_request", slots={"jurisdiction": "CA"}, text="my records never came"
    )
    assert "When did you send" in texts(messages) and slots["pending_question"] == "request_date"
