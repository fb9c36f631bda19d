"""Copy-fee estimates: what a provider may charge for a number of pages.

A pure function of the page count, the jurisdiction and the kind of request.
Every amount comes from ``content/values.yml`` (``amount``), the same values the
answers quote, so a change in the law is one edit.

Schedules:
- Washington (RCW 70.02): a per-page price for the first pages, a lower one after,
  plus a clerical fee.
- California (Health and Safety Code 123110): a per-page cap, plus clerical cost
  (no set figure, so it is named but not added).
- Federal (HIPAA) and Oregon, own copy: cost-based only, no per-page figure; an
  electronic copy may instead have a flat fee up to the HIPAA figure.
- The health system's own policy: electronic copy free; first printed pages free;
  third party pays a flat fee; a clinician for ongoing care pays nothing.
- Free by law: Washington for paid family or medical leave and a Social Security
  disability / SSI appeal (once every 2 years); California for public-benefit
  appeals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import List, Optional, Tuple

from triage.content_schema import Content

MAX_PAGES = 1_000_000

THIRD_PARTY = {"family", "lawyer", "insurer", "employer", "someone_else"}
CLINICIAN = {"clinician", "dentist", "eye_doctor"}

# Purposes that make a copy free, by jurisdiction.
FREE_PURPOSES = {
    "WA": {"paid_leave", "disability_appeal"},
    "CA": {"benefit_appeal", "disability_appeal"},
}
# Leave programs that count as paid family or medical leave (Washington rule).
PAID_LEAVE_PROGRAMS = {"wa_pfml", "paid_leave_oregon"}

_WORDS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "a": 1,
}
_SCALES = {"hundred": 100, "thousand": 1000}
_PAGE_WORD = r"(?:pages?|pgs?|pp|sheets?|hojas?|p[aá]ginas?)\b"


@dataclass(frozen=True)
class PageCount:
    """What a message says about pages: a count, or the problem with it."""

    pages: Optional[int] = None
    problem: Optional[str] = None  # missing | negative | not_a_number | too_many


def _words_to_number(words: List[str]) -> Optional[int]:
    total, current, seen = 0, 0, False
    for word in words:
        if word in _WORDS:
            current += _WORDS[word]
            seen = True
        elif word in _SCALES:
            current = max(current, 1) * _SCALES[word]
            if _SCALES[word] == 1000:
                total, current = total + current, 0
            seen = True
        elif word == "and":
            continue
        else:
            return None
    return total + current if seen else None


def read_pages(text: str, bare_number: bool = False) -> PageCount:
    """The page count in ``text`` ("120 pages", "1,200 pgs", "two hundred pages").

    ``bare_number``: the text answers "how many pages?", so a number alone counts.
    """
    text = (text or "").lower().replace("\u2212", "-")
    match = re.search(rf"(-\s*)?(\d[\d,.]*)\s*-?\s*{_PAGE_WORD}", text)
    if match is None and bare_number:
        match = re.fullmatch(
            r"\s*(?:about|around|maybe|like|roughly|~)?\s*(-\s*)?(\d[\d,.]*)\s*(?:%s)?\s*[.!?]?\s*" % _PAGE_WORD, text
        )
    if match:
        digits = match.group(2).rstrip(".,")
        if match.group(1):
            return PageCount(problem="negative")
        if not re.fullmatch(r"\d{1,3}(,\d{3})+|\d+", digits):
            return PageCount(problem="not_a_number")
        pages = int(digits.replace(",", ""))
        return PageCount(pages=pages) if pages <= MAX_PAGES else PageCount(problem="too_many")
    words = re.search(rf"((?:[a-z]+[ -]){{1,6}}){_PAGE_WORD}", text)
    if words:
        tokens = re.split(r"[ -]+", words.group(1).strip())
        # the longest tail of words that reads as a number ("about two hundred")
        for start in range(len(tokens)):
            number = _words_to_number(tokens[start:])
            if number is not None:
                return PageCount(pages=number) if number <= MAX_PAGES else PageCount(problem="too_many")
        if bare_number or re.search(r"\b(many|lots|a lot|bunch|several|few|some)\b", words.group(1)):
            return PageCount(problem="not_a_number")
    if bare_number and text.strip():
        return PageCount(problem="not_a_number")
    return PageCount(problem="missing")


def money(amount: Decimal) -> str:
    return f"${amount.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,.2f}"


@dataclass(frozen=True)
class FeeLine:
    label: str  # "30 pages x <price>" (English; the renderer words it in other languages)
    amount: Decimal
    pages: Optional[int] = None  # a per-page line: its pages and price; None: the clerical fee
    rate: Optional[Decimal] = None


@dataclass(frozen=True)
class FeeEstimate:
    jurisdiction: str
    pages: int
    schedule: str  # per_page (a legal maximum with a formula) | cost_based
    lines: Tuple[FeeLine, ...] = ()
    total: Optional[Decimal] = None  # the legal maximum for paper copies
    plus_clerical_cost: bool = False  # California: clerical cost comes on top
    electronic_flat_fee: Optional[Decimal] = None  # HIPAA option for electronic copies
    free_reason: Optional[str] = None  # a purpose that makes the copy free by law
    policy: Tuple[str, ...] = field(default_factory=tuple)  # the health system's own terms that apply


def _amount(content: Content, key: str) -> Decimal:
    value = content.values[key].amount
    if value is None:
        raise KeyError(f"values.{key} has no amount")
    return Decimal(value)


def estimate(
    content: Content,
    pages: int,
    jurisdiction: Optional[str] = None,
    copy_format: Optional[str] = None,
    recipient: Optional[str] = None,
    purpose: Optional[str] = None,
    leave_program: Optional[str] = None,
) -> FeeEstimate:
    """The fee figures for ``pages`` pages. Raises ``ValueError`` for a count
    below 0 or above :data:`MAX_PAGES` (callers ask again instead)."""
    if not isinstance(pages, int) or isinstance(pages, bool):
        raise ValueError("pages must be a whole number")
    if pages < 0 or pages > MAX_PAGES:
        raise ValueError(f"pages must be between 0 and {MAX_PAGES}")
    where = jurisdiction or "federal"

    if recipient in CLINICIAN:
        policy: Tuple[str, ...] = ("fee_clinician",)
    elif recipient in THIRD_PARTY:
        policy = ("fee_third_party",)
    elif copy_format == "electronic":
        policy = ("fee_electronic",)
    elif copy_format == "paper":
        policy = ("fee_policy_self",)
    else:
        policy = ("fee_electronic", "fee_policy_self")

    if purpose is None and leave_program in PAID_LEAVE_PROGRAMS:
        purpose = "paid_leave"
    free_reason = purpose if purpose in FREE_PURPOSES.get(where, set()) and recipient not in THIRD_PARTY else None

    if where == "WA":
        first_pages = int(_amount(content, "wa_first_pages"))
        first_rate, later_rate = _amount(content, "wa_page_fee_first"), _amount(content, "wa_page_fee_after")
        clerical = _amount(content, "wa_clerical_fee")
        first, later = min(pages, first_pages), max(pages - first_pages, 0)
        lines = []
        if first:
            lines.append(FeeLine(f"{first} pages x {money(first_rate)}", first * first_rate, first, first_rate))
        if later:
            lines.append(FeeLine(f"{later} pages x {money(later_rate)}", later * later_rate, later, later_rate))
        if pages:
            lines.append(FeeLine("clerical fee", clerical))
        total = sum((line.amount for line in lines), Decimal(0))
        return FeeEstimate(where, pages, "per_page", tuple(lines), total, False, None, free_reason, policy)
    if where == "CA":
        rate = _amount(content, "ca_page_fee")
        lines = [FeeLine(f"{pages} pages x {money(rate)}", pages * rate, pages, rate)] if pages else []
        total = sum((line.amount for line in lines), Decimal(0))
        return FeeEstimate(where, pages, "per_page", tuple(lines), total, bool(pages), None, free_reason, policy)
    return FeeEstimate(
        where, pages, "cost_based", (), None, False, _amount(content, "hipaa_flat_fee"), free_reason, policy
    )
