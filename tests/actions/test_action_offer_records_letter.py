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


def test_a_seattle_letter_goes_to_kaiser_permanente_washington_roi_not_portland():
    from channels.render import for_agent, for_sms, for_web

    messages, _, slots = run(
        ACTION,
        "request_records_letter",
        [entity("region", "western_washington")],
        text="I live in Seattle, can you write me a records request letter",
    )
    text = texts(messages)
    assert slots["jurisdiction"] == "WA" and "RCW 70.02" in text
    assert "Release of Information (western Washington). Fax: 877-848-6896" in text
    assert "866-656-4184" in text  # where to send it: call them first
    assert "Multnomah" not in text and "nw.roi@kp.org" not in text  # not the Portland office
    sent = [{**m, "part": "letter"} for m in messages if m.get("custom")]
    assert sent and sent[0]["custom"]["region"] == "kp_washington_west"
    for words in (for_web(sent)[0]["text"], for_agent(sent)[0]["text"], " ".join(for_sms(sent).messages)):
        assert "866-656-4184" in words and "nw.roi@kp.org" not in words, words


def test_the_letter_follows_the_region_already_in_the_conversation():
    messages, _, _ = run(ACTION, "request_records_letter", slots={"region": "eastern_washington", "jurisdiction": "WA"})
    text = texts(messages)
    assert "(eastern Washington). Fax: 855-414-1751" in text and "509-241-7824" in text and "Multnomah" not in text
    messages, _, _ = run(ACTION, "request_records_letter", slots={"region": "oregon", "jurisdiction": "OR"})
    text = texts(messages)
    assert "500 NE Multnomah Street" in text and "nw.roi@kp.org" in text and "866-656-4184" not in text
