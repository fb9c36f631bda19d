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
from functools import lru_cache
from importlib import resources
from typing import Callable, FrozenSet, List, Match, NamedTuple, Pattern, Tuple

EMAIL = "[email]"
DOB = "[date of birth]"
SSN = "[ssn]"
CARD = "[card number]"
PHONE = "[phone]"
RECORD = "[record number]"
NUMBER = "[number]"
NAME = "[name]"
LABELS = (EMAIL, DOB, SSN, CARD, PHONE, RECORD, NUMBER, NAME)

_I = re.IGNORECASE
# Surnames up to this cumulative frequency (percent of people, column 3 of the census
# file; the file ends near 90.5) count as names. 100 keeps every surname.
SURNAME_CUTOFF = 100.0
# A surname that is also a common word ("White", "Young", "Hunt", "Page") is a name
# only capitalised, right after a first name, and when it is this frequent (the top
# ~1,700 surnames): "Jane White" but not "Rose City".
COMMON_WORD_SURNAME_CUTOFF = 50.0
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

# -- people's names ---------------------------------------------------------------
# Never a person's name here, whatever the census lists say: the places, departments
# and calendar words the assistant routes and answers on.
_NEVER = frozenset(
    """
    washington oregon seattle tacoma spokane everett bellevue olympia yakima vancouver portland salem
    eugene bend beaverton hillsboro gresham renton kent tukwila lynnwood redmond kirkland bothell
    lacey longview kennewick richland wenatchee bellingham corvallis albany medford tigard lake oswego
    california idaho alaska hawaii nevada arizona texas florida georgia virginia carolina dakota montana
    colorado utah maryland jersey york street avenue road city county kaiser permanente northwest medical records record release
    information imaging radiology fmla hipaa roi mrn dob ssn id clinic hospital center centre health
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday christmas easter thanksgiving
    san santa los las del de la st saint mount mt
    """.split()
)
# Short words that follow a cue and are never a name, checked in any case ("I am The
# patient", "My name is Not on the form"); the generated common-word lists cover the rest.
_FUNCTION = frozenset(
    """
    a an the and or but nor so not no yes to of in on at by for from with without about into over under
    up out off than then that this these those there here what which who whom whose when where why how
    is am are was were be been being do does did have has had will would can could shall should may
    might must i me my mine we us our you your he him his she her they them their it its also just only
    still already even very really please thanks thank hi hello hey dear ok okay sorry again because if
    as all any some both each every new old calling looking trying asking wondering writing texting
    emailing requesting reaching following checking contacting needing hoping getting going coming
    email phone fax ssn dob mrn id md rn np pa
    y o pero del la las el los un una unos unas que en por para con sin su sus mi mis tu tus es soy son
    está esta estoy estaba era fue muy ya sí se le lo al como cuando donde hola gracias buenos buenas
    señor señora llamando buscando tratando pidiendo
    """.split()
)
_REL = (
    r"mother|father|mom|mum|mommy|momma|dad|daddy|son|daughter|wife|husband|partner|spouse|sister|brother|"
    r"grandmother|grandfather|grandma|grandpa|granny|grandson|granddaughter|aunt|uncle|niece|nephew|cousin|"
    r"child|kid|baby|client|friend|fianc[ée]e?|stepson|stepdaughter|stepmother|stepfather|boyfriend|girlfriend|"
    r"madre|padre|mam[áa]|pap[áa]|hij[oa]|espos[oa]|marido|herman[oa]|abuel[oa]|t[íi][oa]|niet[oa]|"
    r"sobrin[oa]|primo|prima|cliente|beb[ée]|novi[oa]"
)
_STRONG_CUES = (
    r"patient['’]?s?\s+name(?:\s+(?:is|was))?|names?\s+(?:is|was)|name['’]s|names?\s*[:=]|patient\s*:|paciente\s*:|"
    r"me\s+llamo|(?:mi|su|tu)\s+nombre\s+(?:es|era)|nombre\s*[:=]|"
    r"nombre\s+del?\s+(?:la\s+)?paciente(?:\s+es)?|se\s+llama"
)
_WEAK_CUES = (
    rf"i\s+am|i['’]?m|this\s+is|patient(?:\s+is)?|paciente(?:\s+es)?|on\s+behalf\s+of|en\s+nombre\s+de|"
    rf"soy|named|called|llamad[oa]|doctor|(?:my|our|mi|mis|nuestr[oa])\s+(?:{_REL})"
)
_TITLES = r"(?-i:[Mm]rs?|[Mm]s|Mx|Miss|[Dd]r|Sr|Sra|Srta)\.?|(?:mr|mrs|ms|dr|sr|sra|srta)\."
# A cue, then spaces (or a comma) before the name; the name itself is read word by word.
_CUE_RE = re.compile(
    rf"(?<![\w\[])(?:(?P<strong>{_STRONG_CUES})|(?P<title>{_TITLES})|(?P<weak>{_WEAK_CUES}))"
    rf"(?:\s*[,:]\s*|\s+)(?=[^\W\d_])",
    _I,
)
# A name word: letters, with O'Brien, Smith-Jones; "Lily's" reads as "Lily" (the "'s" stays).
_WORD_RE = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]{2,})*(?![\w])")
# Between two words of one name: spaces, maybe a middle initial ("Jane Q. Roe").
_BETWEEN_RE = re.compile(r"[ \t]+(?:[A-Z]\.?[ \t]+)?")


class _Words(NamedTuple):
    """The name sets, lower case, loaded once (see ``_words``)."""

    first: FrozenSet[str]  # census first names that are not common words or places
    named: FrozenSet[str]  # first names and surnames, the same way
    surnames: FrozenSet[str]  # those, and frequent surnames that are also common words (White, Young, Hunt)
    common_en: FrozenSet[str]  # common English words (privacy/common_words_en.txt)
    common: FrozenSet[str]  # common English or Spanish words


def _census(filename: str, cutoff: float = 100.0) -> List[str]:
    """Names of one census file (package ``names``), the most frequent first, up to a
    cumulative frequency of ``cutoff`` percent."""
    text = (resources.files("names") / filename).read_text(encoding="ascii")
    rows = (line.split() for line in text.splitlines() if line.strip())
    return [row[0].lower() for row in rows if float(row[2]) <= cutoff]


def _common(lang: str) -> FrozenSet[str]:
    text = (resources.files("privacy") / f"common_words_{lang}.txt").read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


@lru_cache(maxsize=1)
def _words() -> _Words:
    """Load the name lists once per process (about 95,000 lines; a few tenths of a second)."""
    common_en = _common("en")
    common = common_en | _common("es") | _FUNCTION
    never = _NEVER | _FUNCTION
    first = {n for f in ("dist.female.first", "dist.male.first") for n in _census(f)} - never - common_en
    last = set(_census("dist.all.last", SURNAME_CUTOFF)) - never
    frequent = set(_census("dist.all.last", COMMON_WORD_SURNAME_CUTOFF)) - never
    named = first | (last - common_en)
    return _Words(frozenset(first), frozenset(named), frozenset(named | frequent), common_en, frozenset(common))


def name_words() -> Tuple[FrozenSet[str], FrozenSet[str]]:
    """(first names, first names and surnames) that ``mask`` takes for a name, lower case."""
    words = _words()
    return words.first, words.named


def _is_name(word: str, kind: str, index: int, words: _Words) -> bool:
    """Whether the index-th word after a cue of this kind is part of a name.

    After "my name is" / "me llamo" a capitalised word, or any word that is not a
    common word, is a name ("my name is jane roe"). After a title (Mr., Dr.) a
    capitalised word is. After a weaker cue ("I'm", "this is", "my mother", "soy") the word must be
    in the census lists and not a common word: "I'm Jane" but "I'm fine", "I'm calling".
    """
    lower = word.lower()
    if lower in _NEVER or lower in _FUNCTION:
        return False
    capitalised = word[0].isupper()
    if kind == "strong":
        return capitalised or lower not in words.common or (index > 0 and lower in words.surnames)
    if kind == "title" and capitalised:
        return True  # "Dr. White", "Mrs. Young": after a title even a common word is a name
    if index and capitalised:
        return lower in words.surnames or lower not in words.common_en  # "Jane White", "Jane Xiong"
    if index == 2:
        return False
    listed = lower in (words.first if index == 0 else words.named)
    return listed and lower not in (words.common_en if capitalised else words.common)


def _name_after(text: str, start: int, kind: str, words: _Words) -> int:
    """The end of the name (up to three words) that starts at ``start``; ``start`` when none."""
    end = pos = start
    for index in range(3):
        if index:
            between = _BETWEEN_RE.match(text, pos)
            if not between:
                break
            pos = between.end()
        word = _WORD_RE.match(text, pos)
        if not word or not _is_name(word.group(), kind, index, words):
            if index == 1 and kind == "weak" and word and _is_title_case(word.group()):
                if word.group().lower() not in _FUNCTION:
                    return start  # "This is Rose City Funeral Home": a business, not a person
            break
        end = pos = word.end()
    return end


def _is_title_case(word: str) -> bool:
    return word[0].isupper() and not word.isupper()


def _bare_names(text: str, words: _Words) -> List[Tuple[int, int]]:
    """Spans of "First Last" written capitalised without a cue ("Jane Roe needs her chart"):
    a census first name then a census surname (or two), none of them a common word."""
    tokens = list(_WORD_RE.finditer(text))
    spans: List[Tuple[int, int]] = []
    i = 0
    while i < len(tokens) - 1:
        first = tokens[i].group()
        if not (_is_title_case(first) and first.lower() in words.first and first.lower() not in _NEVER):
            i += 1
            continue
        end, j = None, i + 1
        while j < len(tokens) and j - i <= 3:
            token = tokens[j]
            between = text[tokens[j - 1].end() : token.start()]
            if len(token.group()) == 1 and token.group().isupper() and end is None and j == i + 1:
                j += 1  # a middle initial
                continue
            word = token.group()
            if not (between.strip(" \t.") == "" and "\n" not in between and _is_title_case(word)):
                break
            if word.lower() not in words.surnames or word.lower() in _FUNCTION:
                break
            end = j
            j += 1
        if end is None:
            i += 1
            continue
        spans.append((tokens[i].start(), tokens[end].end()))
        i = end + 1
    return spans


def _mask_names(text: str) -> str:
    """People's names replaced by ``[name]``, the cue words kept (see the module docstring)."""
    if not any(c.isalpha() for c in text):
        return text
    words = _words()
    spans: List[Tuple[int, int]] = []
    taken = 0
    for cue in _CUE_RE.finditer(text):
        if cue.start() < taken:
            continue
        kind = "strong" if cue.group("strong") else "title" if cue.group("title") else "weak"
        end = _name_after(text, cue.end(), kind, words)
        if end > cue.end():
            spans.append((cue.end(), end))
            taken = end
    if spans:
        pieces, last = [], 0
        for start, end in spans:
            pieces += [text[last:start], NAME]
            last = end
        text = "".join(pieces) + text[last:]
    bare = _bare_names(text, words)
    if bare:
        pieces, last = [], 0
        for start, end in bare:
            pieces += [text[last:start], NAME]
            last = end
        text = "".join(pieces) + text[last:]
    return text


def mask(text: str) -> str:
    """The text with identifiers replaced by labels (see the module docstring)."""
    if not text or not isinstance(text, str):
        return text
    for pattern, replace in _RULES:
        text = pattern.sub(replace, text)
    return _mask_names(text)


def masked_any(text: str) -> bool:
    """True when ``mask`` would change the text."""
    return mask(text) != text
