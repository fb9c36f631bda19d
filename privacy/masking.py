"""Mask identifiers people type anyway, before a message is stored or logged. Plain Python.

``mask(text)`` replaces, with a short label in square brackets:

- email addresses                      -> ``[email]``
- dates of birth (after "born", "DOB", "date of birth", "birthday", "nací",
  "fecha de nacimiento"...)            -> ``[date of birth]``
- SSN-like numbers (123-45-6789, or any number after "SSN" / "social security")
                                       -> ``[ssn]``
- card numbers (13 to 19 digits)       -> ``[card number]``
- phone numbers (10+ digits, +country, (555) 123-4567, 555-1234)
                                       -> ``[phone]``
- health record numbers (after "MRN", "record number", "patient id", "member id",
  "account number"...)                 -> ``[record number]``
- any other run of 6 or more digits, or a code with 5+ digits among letters
  (A1234567)                           -> ``[number]``

Kept as typed, because the assistant needs them: dates that are not a date of
birth ("I asked on March 3", "3/3/2025"), short numbers ("120 pages", "30 days",
a ZIP code, a year). The labels hold no digit and no "@", so masking twice
changes nothing. The words around an identifier stay, so the assistant still
understands the message ("my lawyer needs my records, SSN [ssn]").
"""

from __future__ import annotations

import re
from typing import Callable, List, Match, Pattern, Tuple

EMAIL = "[email]"
DOB = "[date of birth]"
SSN = "[ssn]"
CARD = "[card number]"
PHONE = "[phone]"
RECORD = "[record number]"
NUMBER = "[number]"
LABELS = (EMAIL, DOB, SSN, CARD, PHONE, RECORD, NUMBER)

_I = re.IGNORECASE
_D = r"[0-9０-９]"  # ASCII and full-width digits (people paste from anywhere)
_SEP = r"[ \t.\-‐‑–—]"  # separators inside a number (not "/": that is a date)

_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|"
    r"enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre"
)
_MONTHS = rf"(?:{_MONTHS})(?![a-záéíóú])"
# A date: 3/4/1980, 03-04-80, 1980-03-04, March 3, 1980, 3rd of March 1980, 3 de marzo de 1980, or a year.
_DATE = (
    rf"(?:{_D}{{1,4}}\s*[/.\-]\s*{_D}{{1,2}}\s*[/.\-]\s*{_D}{{2,4}}"
    rf"|(?:{_MONTHS})\.?\s+{_D}{{1,2}}(?:st|nd|rd|th)?(?:,?\s*(?:de\s+)?{_D}{{2,4}})?"
    rf"|{_D}{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+|de\s+)?(?:{_MONTHS})\.?(?:,?\s*(?:de\s+|del\s+)?{_D}{{2,4}})?"
    rf"|(?:{_MONTHS})\.?,?\s+{_D}{{4}}"
    rf"|{_D}{{1,2}}\s*/\s*{_D}{{1,2}}"
    rf"|(?:19|20){_D}{{2}})"
)
_DOB_WORDS = (
    r"born|birth\s*date|date\s+of\s+birth|d\.?\s?o\.?\s?b\.?|birthday|bday|b-day|"
    r"nac[ií](?:da|do)?|fecha\s+de\s+nacimiento|nacimiento|cumplea[ñn]os"
)
# the date may come a few words after the cue: "born on the", "DOB is", "my birthday is"
_DOB_RE = re.compile(
    rf"\b(?P<cue>{_DOB_WORDS})(?P<gap>[\s:,#\-]*(?:(?:is|was|on|the|in|el|en|es|fue|de|mi|my|:)[\s:,]+){{0,3}})(?P<date>{_DATE})",
    _I,
)

_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+\-]+\s*(?:@|＠)\s*[A-Za-z0-9\-]+(?:\s*\.\s*[A-Za-z0-9\-]+)+", _I)

_SSN_LABEL_RE = re.compile(
    rf"\b(?P<cue>ssn|s\.s\.n\.?|social\s+security(?:\s+(?:number|no\.?|#))?|seguro\s+social)"
    rf"(?P<gap>[\s:#\-]*(?:(?:is|es|number|no\.?|=|:)[\s:#]*){{0,2}})(?P<value>{_D}(?:{_SEP}?{_D}){{3,10}})",
    _I,
)
_SSN_RE = re.compile(rf"(?<![0-9０-９])(?:{_D}{{3}}{_SEP}{_D}{{2}}{_SEP}{_D}{{4}}|{_D}{{9}})(?![0-9０-９])")

_RECORD_WORDS = (
    r"mrn|m\.r\.n\.?|medical\s+record(?:\s+number|\s+no\.?|\s+#)?|record\s+(?:number|no\.?|#)|"
    r"chart\s+(?:number|no\.?|#)|patient\s+(?:id|number|no\.?|#)|member\s+(?:id|number|no\.?|#)|"
    r"account\s+(?:number|no\.?|#)|acct\.?\s*#?|policy\s+(?:number|no\.?|#)|insurance\s+(?:id|number|no\.?|#)|"
    r"case\s+(?:number|no\.?|#)|id\s+(?:number|no\.?|#)|"
    r"n[uú]mero\s+de\s+(?:expediente|historia|paciente|registro|cuenta|miembro)|expediente"
)
_RECORD_LABEL_RE = re.compile(
    rf"\b(?P<cue>{_RECORD_WORDS})(?P<gap>[\s:#\-]*(?:(?:is|es|=|:)[\s:#]*)?)"
    rf"(?P<value>(?=[A-Za-z0-9\-]*{_D})[A-Za-z0-9][A-Za-z0-9\-]{{3,29}})",
    _I,
)

_CARD_RE = re.compile(rf"(?<![0-9０-９]){_D}(?:{_SEP}?{_D}){{12,18}}(?![0-9０-９])")
_PHONE_RE = re.compile(
    rf"(?<![0-9０-９\w])(?:"
    rf"\+{_SEP}?{_D}(?:{_SEP}?\(?{_D}\)?){{6,14}}"  # +1 555 123 4567, +44 20 7946 0958
    rf"|(?:1{_SEP}?)?\({_D}{{3}}\){_SEP}?{_D}{{3}}{_SEP}?{_D}{{4}}"  # (555) 123-4567
    rf"|(?:1{_SEP})?{_D}{{3}}{_SEP}{_D}{{3}}{_SEP}{_D}{{4}}"  # 555-123-4567
    rf"|{_D}{{10,11}}"  # 5551234567
    rf"|{_D}{{3}}[\-.]{_D}{{4}}"  # 555-1234
    rf")(?![0-9０-９])"
)
# Codes mixing letters and 5+ digits (A1234567, 12345AB6); plain words and short numbers stay.
_CODE_RE = re.compile(
    rf"\b(?=(?:[A-Za-z\-]*{_D}){{5}})(?=[A-Za-z0-9\-]*[A-Za-z])[A-Za-z0-9][A-Za-z0-9\-]*[A-Za-z0-9]\b"
)
_LONG_NUMBER_RE = re.compile(rf"(?<![0-9０-９])\d(?:{_SEP}?\d){{5,}}(?![0-9０-９])")
_DATE_ONLY_RE = re.compile(rf"^(?:{_DATE})$", _I)


def _keep_cue(label: str) -> Callable[[Match], str]:
    return lambda m: f"{m.group('cue')}{m.group('gap')}{label}"


def _unless_date(label: str) -> Callable[[Match], str]:
    """Mask a number unless it is written as a date (a request date the assistant needs)."""

    def replace(m: Match) -> str:
        if _DATE_ONLY_RE.match(m.group(0).strip()) and re.search(r"[/\-.]", m.group(0)):
            return m.group(0)
        return label

    return replace


_RULES: List[Tuple[Pattern, Callable[[Match], str]]] = [
    (_EMAIL_RE, lambda m: EMAIL),
    (_DOB_RE, _keep_cue(DOB)),
    (_SSN_LABEL_RE, lambda m: f"{m.group('cue')}{m.group('gap')}{SSN}"),
    (_RECORD_LABEL_RE, lambda m: f"{m.group('cue')}{m.group('gap')}{RECORD}"),
    (_CARD_RE, lambda m: CARD),
    (_SSN_RE, lambda m: SSN),
    (_PHONE_RE, _unless_date(PHONE)),
    (_CODE_RE, lambda m: NUMBER),
    (_LONG_NUMBER_RE, _unless_date(NUMBER)),
]


def mask(text: str) -> str:
    """The text with identifiers replaced by labels (see the module docstring)."""
    if not text or not isinstance(text, str):
        return text
    for pattern, replace in _RULES:
        text = pattern.sub(replace, text)
    return text


def masked_any(text: str) -> bool:
    """True when ``mask`` would change the text."""
    return mask(text) != text
