"""Copy-fee estimates: every schedule, checked against hand calculations."""

from decimal import Decimal

import pytest

from triage.content import load_content
from triage.fees import MAX_PAGES, estimate, money, read_pages
from triage.render_rights import RightsRenderer

C = load_content()


def total(pages, where, **kw):
    return estimate(C, pages, where, **kw).total


# Washington: $1.24 a page for pages 1-30, $0.94 after, plus a $28 clerical fee.
@pytest.mark.parametrize(
    "pages, expected",
    [
        (1, Decimal("29.24")),  # 1.24 + 28
        (29, Decimal("63.96")),  # 29 * 1.24 = 35.96 + 28
        (30, Decimal("65.20")),  # 30 * 1.24 = 37.20 + 28
        (31, Decimal("66.14")),  # 37.20 + 0.94 + 28
        (120, Decimal("149.80")),  # 37.20 + 90 * 0.94 = 84.60 + 28
        (10_000, Decimal("9437.00")),  # 37.20 + 9970 * 0.94 = 9371.80, + 28
    ],
)
def test_washington_schedule(pages, expected):
    assert total(pages, "WA") == expected


def test_washington_shows_the_formula():
    lines = estimate(C, 120, "WA").lines
    assert [(line.label, line.amount) for line in lines] == [
        ("30 pages x $1.24", Decimal("37.20")),
        ("90 pages x $0.94", Decimal("84.60")),
        ("clerical fee", Decimal("28")),
    ]


def test_washington_thirty_pages_has_no_second_tier():
    assert [line.label for line in estimate(C, 30, "WA").lines] == ["30 pages x $1.24", "clerical fee"]


@pytest.mark.parametrize(
    "pages, expected", [(1, "0.25"), (30, "7.50"), (31, "7.75"), (120, "30.00"), (4001, "1000.25")]
)
def test_california_cap_per_page_plus_clerical_cost(pages, expected):
    result = estimate(C, pages, "CA")
    assert result.total == Decimal(expected)
    assert result.plus_clerical_cost


@pytest.mark.parametrize("where", ["federal", "OR", None])
def test_federal_and_oregon_are_cost_based_with_the_flat_fee_option(where):
    result = estimate(C, 120, where)
    assert result.schedule == "cost_based"
    assert result.total is None and result.lines == ()
    assert result.electronic_flat_fee == Decimal("6.50")


@pytest.mark.parametrize("where", ["WA", "CA", "federal"])
def test_zero_pages_costs_nothing(where):
    result = estimate(C, 0, where)
    assert result.lines == ()
    assert result.total in (None, Decimal(0))
    assert "nothing to copy" in RightsRenderer(C).fee_estimate(result).text


@pytest.mark.parametrize("bad", [-1, MAX_PAGES + 1, 2.5, "12", True])
def test_impossible_page_counts_are_refused(bad):
    with pytest.raises(ValueError):
        estimate(C, bad, "WA")


def test_very_large_count_is_still_computed():
    assert total(MAX_PAGES, "WA") == Decimal("37.20") + (MAX_PAGES - 30) * Decimal("0.94") + 28


@pytest.mark.parametrize(
    "where, purpose, leave, free",
    [
        ("WA", "paid_leave", None, True),
        ("WA", None, "wa_pfml", True),
        ("WA", "disability_appeal", None, True),
        ("WA", "benefit_appeal", None, False),
        ("CA", "benefit_appeal", None, True),
        ("CA", "disability_appeal", None, True),
        ("CA", "paid_leave", None, False),
        ("federal", "disability_appeal", None, False),
        ("OR", "paid_leave", None, False),
    ],
)
def test_free_copy_cases(where, purpose, leave, free):
    result = estimate(C, 50, where, purpose=purpose, leave_program=leave)
    assert (result.free_reason is not None) is free


def test_free_copy_is_for_the_patient_not_a_third_party():
    assert estimate(C, 50, "WA", purpose="disability_appeal", recipient="lawyer").free_reason is None


@pytest.mark.parametrize(
    "kw, policy",
    [
        ({"copy_format": "electronic"}, ("fee_electronic",)),
        ({"copy_format": "paper"}, ("fee_policy_self",)),
        ({}, ("fee_electronic", "fee_policy_self")),
        ({"recipient": "lawyer"}, ("fee_third_party",)),
        ({"recipient": "insurer", "copy_format": "electronic"}, ("fee_third_party",)),
        ({"recipient": "clinician"}, ("fee_clinician",)),
    ],
)
def test_health_system_policy_lines(kw, policy):
    assert estimate(C, 40, "WA", **kw).policy == policy


def test_rendered_estimate_carries_formula_total_and_policy():
    text = RightsRenderer(C).fee_estimate(estimate(C, 120, "WA", recipient="lawyer")).text
    for part in (
        "30 pages x $1.24 = $37.20",
        "90 pages x $0.94 = $84.60",
        "clerical fee = $28.00",
        "Total: $149.80",
        "$16.50",
    ):
        assert part in text
    assert "not legal advice" in text


@pytest.mark.parametrize(
    "text, pages, problem",
    [
        ("how much for 120 pages in Washington?", 120, None),
        ("a 300 page chart", 300, None),
        ("1,200 pgs", 1200, None),
        ("two hundred pages", 200, None),
        ("twenty-five pages", 25, None),
        ("0 pages", 0, None),
        ("-5 pages", None, "negative"),
        ("lots of pages", None, "not_a_number"),
        ("1.5 pages", None, "not_a_number"),
        ("9,999,999 pages", None, "too_many"),
        ("what can they charge me", None, "missing"),
    ],
)
def test_read_pages(text, pages, problem):
    reading = read_pages(text)
    assert (reading.pages, reading.problem) == (pages, problem)


@pytest.mark.parametrize(
    "text, pages, problem",
    [("120", 120, None), ("about 45", 45, None), ("abc", None, "not_a_number"), ("-3", None, "negative")],
)
def test_read_pages_as_an_answer(text, pages, problem):
    reading = read_pages(text, bare_number=True)
    assert (reading.pages, reading.problem) == (pages, problem)


def test_money_rounds_half_up():
    assert money(Decimal("0.125")) == "$0.13"
    assert money(Decimal("1234.5")) == "$1,234.50"
