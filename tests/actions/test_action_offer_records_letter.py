from actions.action_offer_records_letter import ActionOfferRecordsLetter
from actions.action_triage import ActionTriage
from tests.actions.helpers import entity, run, texts

ACTION = ActionOfferRecordsLetter()


def test_letter_asks_state_then_cites_its_law():
    messages, _, slots = run(ACTION, "request_records_letter", text="can you write me a request letter")
    assert slots["pending_question"] == "jurisdiction"
    messages, _, slots = run(ActionTriage(), "inform", [entity("region", "seattle")], slots, text="seattle")
    assert "45 CFR 164.524 and RCW 70.02" in texts(messages)
    custom = [m["custom"] for m in messages if m.get("custom")]
    assert slots["department"] == "roi"
    if custom:  # rich channels get the fillable letter
        assert custom[0]["type"] == "letter"


def test_letter_fills_what_the_chat_knows_and_never_the_identifiers():
    messages, _, _ = run(
        ACTION,
        "request_records_letter",
        [entity("imaging_kind", "mri"), entity("copy_format", "cd")],
        {"jurisdiction": "CA"},
        text="letter for my mri on a cd",
    )
    text = texts(messages)
    assert "My MRI images and reports" in text and "Electronic copy" in text
    assert "California Health and Safety Code 123110" in text
    assert "My date of birth: ________________" in text


def test_every_channel_gets_the_same_letter_part_and_sms_renders_it_short():
    from channels.render import for_sms

    sent = {}
    for channel in ("sms", "web", None):
        messages, _, _ = run(
            ACTION, "request_records_letter", slots={"jurisdiction": "OR"}, text="letter please", channel=channel
        )
        sent[channel] = messages
    assert sent["sms"] == sent["web"] == sent[None]
    letter = sent["sms"][-1]
    assert letter["part"] == "letter" and "45 CFR 164.524" in letter["custom"]["laws"]
    sms = for_sms(sent["sms"]).messages
    assert "45 CFR 164.524" in sms[-1] and len(sms[-1]) <= 320
