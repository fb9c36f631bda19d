"""Masking of identifiers (privacy/masking.py): examples and Hypothesis properties. No Rasa."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from privacy.masking import LABELS, mask

MASKED = [
    ("my SSN is 123-45-6789", "123-45-6789"),
    ("ssn 123456789 please", "123456789"),
    ("social security number: 123 45 6789", "123 45 6789"),
    ("last four of my social security 6789", "6789"),
    ("card 4111 1111 1111 1111 for the fee", "4111 1111 1111 1111"),
    ("card 4111-1111-1111-1111", "4111-1111-1111-1111"),
    ("call me at (555) 123-4567", "123-4567"),
    ("my cell +1 555 123 4567", "555 123 4567"),
    ("text 555.123.4567", "555.123.4567"),
    ("or 5551234567", "5551234567"),
    ("home 555-1234", "555-1234"),
    ("uk number +44 20 7946 0958", "7946 0958"),
    ("write to john.doe+x@example.co.uk", "john.doe"),
    ("email JANE_D@Mail.Example.org thanks", "Mail.Example"),
    ("I was born on 3/4/1980", "3/4/1980"),
    ("DOB: March 3, 1980", "March 3, 1980"),
    ("date of birth 1980-03-04", "1980-03-04"),
    ("my birthday is Jan 5 1975", "Jan 5 1975"),
    ("born in 1975", "1975"),
    ("fecha de nacimiento 3 de marzo de 1980", "marzo de 1980"),
    ("my MRN is A1234567", "A1234567"),
    ("medical record number: 88812345", "88812345"),
    ("patient id 12345", "12345"),
    ("member id XJ-44821-9", "44821"),
    ("the code on my chart is 90210333", "90210333"),
    ("reference K8839201 on the letter", "K8839201"),
]

KEPT = [
    "I asked on March 3",
    "I asked on 03/03/2025 for my records",
    "I sent it on 2025-03-05",
    "I need 120 pages",
    "it has been 30 days, over 2 weeks ago",
    "my zip is 02139",
    "my lawyer needs my records from 2019",
    "pedí mis expedientes el 3 de marzo",
    "",
]


@pytest.mark.parametrize("text, secret", MASKED)
def test_identifiers_are_masked(text, secret):
    masked = mask(text)
    assert secret not in masked
    assert any(label in masked for label in LABELS)


@pytest.mark.parametrize("text", KEPT)
def test_dates_and_small_numbers_are_kept(text):
    assert mask(text) == text


def test_the_words_around_an_identifier_stay():
    assert mask("my lawyer needs my records, my SSN is 123-45-6789") == "my lawyer needs my records, my SSN is [ssn]"
    assert mask("I was born March 3 1980 and asked on March 3") == "I was born [date of birth] and asked on March 3"


# -- properties ---------------------------------------------------------------
digit = st.sampled_from("0123456789")
words = st.text(alphabet=st.characters(blacklist_categories=("Nd", "Cs"), blacklist_characters="@＠"), max_size=40)


def digits(n):
    return st.lists(digit, min_size=n, max_size=n).map("".join)


sep = st.sampled_from(["-", " ", ".", ""])
ssns = st.tuples(digits(3), sep, digits(2), sep, digits(4)).map(lambda t: "".join(t))
cards = st.tuples(digits(4), sep, digits(4), sep, digits(4), sep, digits(4)).map(lambda t: "".join(t))
phones = st.tuples(st.sampled_from(["", "+1 ", "1-"]), digits(3), sep, digits(3), sep, digits(4)).map(
    lambda t: "".join(t)
)
emails = st.tuples(
    st.from_regex(r"[a-z][a-z0-9._]{0,10}", fullmatch=True),
    st.from_regex(r"[a-z][a-z0-9]{0,10}", fullmatch=True),
    st.sampled_from(["com", "org", "net", "co.uk"]),
).map(lambda t: f"{t[0]}@{t[1]}.{t[2]}")
identifiers = st.one_of(ssns, cards, phones, emails)


def padded(before: str, after: str) -> tuple:
    # identifiers are separated from the words around them, as people type them
    return f"{before} ", f" {after}"


@settings(max_examples=300, deadline=None)
@given(before=words, secret=identifiers, after=words)
def test_any_identifier_inside_any_text_is_gone(before, secret, after):
    left, right = padded(before, after)
    masked = mask(left + secret + right)
    assert secret not in masked
    core = re.sub(r"\D", "", secret)
    assert core not in re.sub(r"\D", "", masked) or not core


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_masking_twice_changes_nothing(text):
    once = mask(text)
    assert mask(once) == once


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_no_long_digit_run_and_no_email_survive(text):
    masked = mask(text)
    assert not re.search(r"[0-9]{10,}", masked)
    assert not re.search(r"[A-Za-z0-9]@[A-Za-z0-9]+\.[A-Za-z]{2,}", masked)


@settings(max_examples=300, deadline=None)
@given(words)
def test_text_without_digits_or_at_sign_is_unchanged(text):
    assert mask(text) == text
