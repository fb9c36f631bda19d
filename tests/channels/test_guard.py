"""channels.guard: what a channel sends for each outcome of a turn."""

from channels import guard


def test_the_bot_messages_when_the_turn_went_well():
    said = [{"recipient_id": "web-1", "text": "Where to go: ..."}]
    assert guard.answer_for(guard.OK, "web-1", said) == (said, 200)


def test_the_contacts_when_the_turn_failed_timed_out_or_said_nothing():
    for outcome, messages in ((guard.TIMEOUT, []), (guard.FAILED, []), (guard.OK, [])):
        body, status = guard.answer_for(outcome, "web-1", messages)
        assert status == 200
        assert body[0]["recipient_id"] == "web-1" and "503-571-5051" in body[0]["text"]


def test_a_store_outage_is_a_503_with_the_contacts():
    body, status = guard.answer_for(guard.STORE_DOWN, "agent-call-1", [])
    assert status == 503 and "503-571-5051" in body[0]["text"]


def test_prepare_masks_identifiers_and_keeps_dates():
    text = guard.prepare("my ssn is 123-45-6789, I asked on March 3\x00")
    assert "123-45-6789" not in text and "March 3" in text and "\x00" not in text
