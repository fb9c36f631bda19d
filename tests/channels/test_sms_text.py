"""SMS text shaping (channels/sms_text.py): plain Python, no Rasa."""

from __future__ import annotations

import pytest

from channels.sms_text import (
    HARD_LIMIT,
    MAX_MESSAGES,
    SOFT_LIMIT,
    Choice,
    choice_lines,
    gsm7_length,
    is_gsm7,
    match_choice,
    pack,
    plain,
    shape,
    split_text,
    strip_markup,
    to_gsm7,
)

TEMPLATE = "Reply {n} for {label}"
IMAGES = [
    Choice("X-ray, CT or MRI", '/inform{"imaging_kind":"xray"}'),
    Choice("Ultrasound or mammogram", '/inform{"imaging_kind":"ultrasound"}'),
    Choice("Dental x-rays", '/inform{"imaging_kind":"dental"}'),
    Choice("Eye photos", '/inform{"imaging_kind":"eye"}'),
]


# -- GSM-7 -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("It\u2019s \u201cfree\u201d", 'It\'s "free"'),
        ("8 am \u2013 4:30 pm \u2014 weekdays", "8 am - 4:30 pm - weekdays"),
        ("wait\u2026", "wait..."),
        ("call\u00a0now", "call now"),
        ("\u2022 item", "- item"),
        ("thanks \U0001f600\U0001f44d", "thanks "),
        ("na\u00efve r\u00f4le \u0151", "naive role o"),
        ("\ufb01le", "file"),
        ("caf\u00e9 \u00e0 \u00fc \u00f1 \u00c9", "caf\u00e9 \u00e0 \u00fc \u00f1 \u00c9"),  # these are GSM-7 already
        ("line\r\nnext\rlast", "line\nnext\nlast"),
    ],
)
def test_to_gsm7_replaces_or_drops_what_forces_ucs2(text, expected):
    assert to_gsm7(text) == expected
    assert is_gsm7(to_gsm7(text))


def test_is_gsm7_and_length_count_extension_characters_twice():
    assert is_gsm7("Hello @ $5 {ok} [x] ~ | ^ \\ \u20ac")
    assert not is_gsm7("curly \u2019")
    assert not is_gsm7("emoji \U0001f600")
    assert gsm7_length("abc") == 3
    assert gsm7_length("{}") == 4
    assert gsm7_length("\u20ac1") == 3


# -- markup ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("**Steps:** do it", "Steps: do it"),
        ("__bold__ and *it* and _em_", "bold and it and em"),
        ("see [the form](https://kp.org/form)", "see the form: https://kp.org/form"),
        ("[https://kp.org](https://kp.org)", "https://kp.org"),
        ("mail [ROI](mailto:nw.roi@kp.org)", "mail ROI: nw.roi@kp.org"),
        ("<https://kp.org/a>", "https://kp.org/a"),
        ('<a href="https://kp.org/x?a=1&amp;b=2">the site</a>', "the site: https://kp.org/x?a=1&b=2"),
        ("<b>Hi</b><br>there<br/>you", "Hi\nthere\nyou"),
        ("<ul><li>one</li><li>two</li></ul>", "- one\n- two"),
        ("# Heading\n* item\n+ item", "Heading\n- item\n- item"),
        ("`code` &amp; &lt;tag&gt; &nbsp;x", "code & <tag> x"),
        ("email nw_roi@kp.org and snake_case_word stay", "email nw_roi@kp.org and snake_case_word stay"),
        ("3 * 4 = 12", "3 * 4 = 12"),
        ("![x-ray](https://kp.org/i.png)", "x-ray: https://kp.org/i.png"),
    ],
)
def test_plain_strips_markdown_and_html_and_keeps_bare_urls(text, expected):
    assert plain(text) == expected


def test_strip_markup_leaves_plain_text_alone():
    text = "Where to go: Imaging.\n1. Call Imaging.\n- Which scan it was"
    assert strip_markup(text) == text


def test_plain_tidies_spaces_and_blank_lines():
    assert plain("  a   b \n\n\n\n c  ") == "a b\n\nc"


# -- choices -----------------------------------------------------------------


def test_choice_lines_are_numbered_from_start():
    assert choice_lines(IMAGES[:2], TEMPLATE) == ["Reply 1 for X-ray, CT or MRI", "Reply 2 for Ultrasound or mammogram"]
    assert choice_lines(IMAGES[:1], TEMPLATE, start=5) == ["Reply 5 for X-ray, CT or MRI"]
    assert choice_lines([Choice("\u201cEye\u201d photos \U0001f441", "/x")], TEMPLATE) == ['Reply 1 for "Eye" photos']


@pytest.mark.parametrize(
    "reply, index",
    [
        ("1", 0),
        ("2", 1),
        (" 3 ", 2),
        ("4.", 3),
        ("#2", 1),
        ("option 3", 2),
        ("Number 1", 0),
        ("2)", 1),
        ("dental", 2),
        ("Dental X-ray", 2),
        ("dental x-rays", 2),
        ("DENTAL X RAYS", 2),
        ("eye photo", 3),
        ("Eye photos", 3),
        ("ultrasound", 1),
        ("mammogram", 1),
        ("MRI", 0),
        ("x-ray, ct or mri", 0),
    ],
)
def test_a_digit_or_the_options_words_pick_that_choice(reply, index):
    assert match_choice(reply, IMAGES) == IMAGES[index].payload


@pytest.mark.parametrize(
    "reply",
    [
        "0",
        "5",
        "12",
        "x-ray",
        "x rays",
        "the",
        "my",
        "",
        "   ",
        "my lawyer needs my records",
        "I need my images too",
        "what is the phone number",
    ],
)
def test_other_replies_pick_nothing(reply):
    # out of range, ambiguous ("x-ray" is in two options), filler, or a new message
    assert match_choice(reply, IMAGES) is None


def test_no_choices_offered_means_no_match():
    assert match_choice("2", []) is None


# -- splitting and packing ----------------------------------------------------


def test_split_text_keeps_lines_whole_and_cuts_long_lines_at_sentences_then_words():
    line = " ".join(["word"] * 200)  # 999 characters, no sentence end
    pieces = split_text(f"Short line.\n{line}", 320)
    assert all(gsm7_length(p) <= 320 for p in pieces)
    assert pieces[0].startswith("Short line.")
    assert " ".join(p.replace("\n", " ") for p in pieces).split() == f"Short line. {line}".split()
    sentences = "This is one sentence. " * 30
    assert all(p.endswith(".") for p in split_text(sentences.strip(), 100))


def test_split_text_hard_cuts_a_word_longer_than_the_limit():
    url = "https://kp.org/" + "a" * 400
    pieces = split_text(url, 160)
    assert "".join(pieces) == url and all(len(p) <= 160 for p in pieces)


def test_pack_keeps_short_answers_in_one_message():
    assert pack(["Hello.", "How can I help?"]) == ["Hello.\n\nHow can I help?"]
    assert pack(["", "  "]) == []


def test_pack_prefers_the_soft_limit_and_at_most_three_messages():
    blocks = ["a" * 200, "b" * 200, "c" * 200]
    assert [len(m) for m in pack(blocks)] == [200, 200, 200]
    many = [f"{i} " + "x" * 150 for i in range(12)]  # about 1,850 characters
    messages = pack(many)
    assert len(messages) == MAX_MESSAGES
    assert all(len(m) <= HARD_LIMIT for m in messages)
    assert max(len(m) for m in messages) < 800  # balanced, not one huge message
    assert "".join(messages).replace("\n", "").replace(" ", "") == "".join(many).replace(" ", "")


def test_pack_never_exceeds_the_hard_limit_and_marks_a_cut():
    messages = pack(["y " * 3000])  # 6,000 characters
    assert len(messages) == MAX_MESSAGES
    assert all(gsm7_length(m) <= HARD_LIMIT for m in messages)
    assert messages[-1].endswith("...")


# -- a whole answer -------------------------------------------------------------


CARD = {
    "type": "department_card",
    "department": "imaging",
    "contacts": [{"kind": "phone", "label": "Imaging phone", "value": "503-000-0000", "hours": None}],
}


def test_shape_puts_the_department_and_its_contacts_first():
    messages = [
        {
            "text": "Where to go: Imaging. " + "Images come from Imaging. " * 4,
            "custom": CARD,
            "part": "department_card",
        },
        {"text": "Steps:\n1. Call Imaging at 503-000-0000.\n2. Say which images. " + "More words here. " * 8},
        {"text": "What to include:\n- Which scan " + "and more. " * 10, "part": "checklist"},
        {"text": "Call them:\n- Imaging phone: 503-000-0000", "part": "contacts"},
        {"text": "Cost: " + "Ask when you call. " * 6, "part": "time_cost"},
    ]
    shaped = shape(messages, TEMPLATE)
    assert 1 <= len(shaped.messages) <= MAX_MESSAGES
    first = shaped.messages[0]
    assert first.startswith("Where to go: Imaging.") and "Imaging phone: 503-000-0000" in first
    assert shaped.messages[-1].rstrip().endswith("Ask when you call.")
    # the parts say which is which: no heading is parsed
    untagged = [messages[0], messages[1], {"text": "How to reach them: 503-000-0000"}]
    joined = "\n".join(shape(untagged, TEMPLATE).messages)
    assert joined.index("Steps:") < joined.index("How to reach them:")


def test_shape_numbers_buttons_across_the_answer_and_returns_the_choices():
    messages = [
        {
            "text": "Which records?",
            "buttons": [{"title": "Test results", "payload": "/a"}, {"title": "Full copy", "payload": "/b"}],
        },
        {"text": "You also asked about this:"},
        {"text": "What kind of images?", "buttons": [{"title": "Dental x-rays", "payload": "/c"}]},
    ]
    shaped = shape(messages, TEMPLATE)
    text = "\n".join(shaped.messages)
    assert "Reply 1 for Test results\nReply 2 for Full copy" in text
    assert "Reply 3 for Dental x-rays" in text
    assert [c.payload for c in shaped.choices] == ["/a", "/b", "/c"]
    assert match_choice("3", shaped.choices) == "/c"


def test_shape_shows_images_as_bare_urls_and_ignores_other_custom_payloads():
    shaped = shape(
        [{"text": "**See** this:", "image": "https://kp.org/i.png"}, {"custom": {"type": "letter", "text": "x"}}],
        TEMPLATE,
    )
    assert shaped.messages == ["See this:\nhttps://kp.org/i.png"]


def test_shape_of_nothing_is_nothing():
    assert shape([], TEMPLATE).messages == []
    assert SOFT_LIMIT == 320 and HARD_LIMIT == 1600
