"""SMS text shaping: plain Python, no Rasa imports (tested on its own).

What a text message can hold differs from a chat bubble:

- plain text only: markdown and HTML are removed, links become bare URLs;
- GSM-7 characters only (one curly quote or emoji switches the whole message to
  UCS-2 and halves its length), so look-alikes are replaced and the rest dropped;
- choices become a numbered list ("Reply 1 for ...") and a reply of a digit or of
  the option's words maps back to that choice's payload;
- an answer (``shape`` with a :class:`Paging`, what the channel uses) starts with
  one message of one segment (160 GSM-7 characters) that names where to go and how
  to reach them, ending "Reply MORE for steps." when there is more; the rest is
  kept as pages of at most two segments each (306 characters), sent one per "MORE"
  (``Shaped.more``). Safety texts (911 / 988) come first and whole; a choice
  question is never split or deferred. Without paging, an answer is packed into at
  most 3 messages (320 characters where possible, never more than 1,600).
"""

from __future__ import annotations

import html
import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

SOFT_LIMIT = 320  # two SMS segments: the length we aim for
HARD_LIMIT = 1600  # the longest message carriers (and Twilio) accept
MAX_MESSAGES = 3  # messages per answer
# When the blocks do not fit in MAX_MESSAGES of SOFT_LIMIT, the shortest longer
# limit that fits is used (tried in these steps, never above HARD_LIMIT).
LIMIT_STEPS = tuple(range(SOFT_LIMIT, HARD_LIMIT, 10)) + (HARD_LIMIT,)
ELLIPSIS = "..."
# Billing: one GSM-7 segment holds 160 septets, a multi-part message 153 per
# segment; one character outside GSM-7 makes the message UCS-2: 70, then 67.
GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67
FIRST_LIMIT = GSM7_SINGLE  # the first message of an answer: one segment
PAGE_LIMIT = 2 * GSM7_PART  # each page sent on MORE: at most two segments

# GSM 03.38 default alphabet (basic table) and its extension table (each
# extension character takes two septets).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€")
_EXTENSION_CHARS = re.compile("[" + "".join(re.escape(ch) for ch in sorted(GSM7_EXTENSION)) + "]")

# Common characters outside GSM-7 and what to write instead.
REPLACEMENTS = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u00b4": "'",
    "`": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2033": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2015": "-",
    "\u2212": "-",
    "\u2026": "...",
    "\u00a0": " ",
    "\u2007": " ",
    "\u2009": " ",
    "\u200a": " ",
    "\u202f": " ",
    "\t": " ",
    "\u2022": "-",
    "\u00b7": "-",
    "\u25cf": "-",
    "\u25aa": "-",
    "\u2023": "-",
    "\u2043": "-",
    "\u2192": "->",
    "\u2190": "<-",
    "\u00d7": "x",
    "\u00f7": "/",
    "\u00a9": "(c)",
    "\u00ae": "(R)",
    "\u2122": "TM",
    "\u00b0": " degrees",
    "\u00bd": "1/2",
    "\u00bc": "1/4",
    "\u00be": "3/4",
    "\u2028": "\n",
    "\u2029": "\n",
    "\u00ad": "",
    "\u200b": "",
    "\u200c": "",
    "\u200d": "",
    "\ufeff": "",
    "\u00e7": "c",
    "\u00e1": "a",
    "\u00ed": "i",
    "\u00f3": "o",
    "\u00fa": "u",
    "\u00e2": "a",
    "\u00ea": "e",
}


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)


def gsm7_length(text: str) -> int:
    """Length in GSM-7 septets: extension characters ({, }, [, ], ~, |, ^, \\, €) count twice."""
    # one regex scan: the packing calls this very often on long texts
    return len(text) + len(_EXTENSION_CHARS.findall(text))


def segments(text: str) -> int:
    """How many segments a carrier bills for ``text`` (0 for no text)."""
    if not text:
        return 0
    if is_gsm7(text):
        length, single, part = gsm7_length(text), GSM7_SINGLE, GSM7_PART
    else:
        length, single, part = len(text.encode("utf-16-le")) // 2, UCS2_SINGLE, UCS2_PART
    return 1 if length <= single else math.ceil(length / part)


def to_gsm7(text: str) -> str:
    """Replace or drop every character that would force UCS-2 encoding."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    out: List[str] = []
    for ch in text:
        if ch in GSM7_BASIC or ch in GSM7_EXTENSION:
            out.append(ch)
        elif ch in REPLACEMENTS:
            out.append(REPLACEMENTS[ch])
        else:
            # accented letters and ligatures: keep the plain letters ("ő" -> "o", "ﬁ" -> "fi");
            # emoji and other symbols have none and are dropped
            decomposed = unicodedata.normalize("NFKD", ch)
            out.append("".join(c for c in decomposed if c in GSM7_BASIC and c not in "\n"))
    return "".join(out)


_HTML_BREAK = re.compile(r"<\s*(br|/p|/div|/h[1-6]|/tr)\b[^>]*>", re.I)
_HTML_LINK = re.compile(r"<a\b[^>]*?href\s*=\s*[\"']([^\"']+)[\"'][^>]*>(.*?)</a\s*>", re.I | re.S)
_HTML_LIST_ITEM = re.compile(r"<\s*li\b[^>]*>", re.I)
_HTML_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")
_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*(\S+?)\s*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\(\s*(\S+?)(?:\s+\"[^\"]*\")?\s*\)")
_MD_AUTOLINK = re.compile(r"<((?:https?://|mailto:)[^>\s]+)>")
_MD_BOLD = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", re.S)
_MD_STAR = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_MD_UNDERSCORE = re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")
_MD_CODE = re.compile(r"`+([^`]*)`+")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+", re.M)
_MD_QUOTE = re.compile(r"^\s{0,3}>\s?", re.M)
_MD_BULLET = re.compile(r"^(\s*)[*+]\s+", re.M)
_MD_RULE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$", re.M)


def _link(label: str, url: str) -> str:
    url = url[len("mailto:") :] if url.lower().startswith("mailto:") else url
    label = label.strip()
    if not label or label == url or label.rstrip("/") == url.rstrip("/"):
        return url
    return f"{label}: {url}"


def strip_markup(text: str) -> str:
    """Markdown and HTML to plain text; links become "label: URL" (a bare URL)."""
    text = _HTML_BREAK.sub("\n", text)
    text = _HTML_LIST_ITEM.sub("\n- ", text)
    text = _HTML_LINK.sub(lambda m: _link(_HTML_TAG.sub("", m.group(2)), html.unescape(m.group(1))), text)
    text = _MD_AUTOLINK.sub(lambda m: _link("", m.group(1)), text)  # before tags: <https://...> is a link
    text = _HTML_TAG.sub("", text)
    text = html.unescape(text)
    text = _MD_IMAGE.sub(lambda m: _link(m.group(1), m.group(2)), text)
    text = _MD_LINK.sub(lambda m: _link(m.group(1), m.group(2)), text)
    text = _MD_RULE.sub("", text)
    text = _MD_BOLD.sub(r"\2", text)
    text = _MD_BULLET.sub(r"\1- ", text)
    text = _MD_STAR.sub(r"\1", text)
    text = _MD_UNDERSCORE.sub(r"\1", text)
    text = _MD_CODE.sub(r"\1", text)
    text = _MD_HEADING.sub("", text)
    text = _MD_QUOTE.sub("", text)
    return text


def tidy(text: str) -> str:
    lines = [re.sub(r"[ ]{2,}", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def plain(text: str) -> str:
    """What an SMS shows for ``text``: no markup, GSM-7 only, tidy spaces."""
    return tidy(to_gsm7(strip_markup(text or "")))


# -- choices ---------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    title: str
    payload: str


def choices_from_buttons(buttons: Optional[Iterable[dict]]) -> List[Choice]:
    found = []
    for button in buttons or []:
        title, payload = button.get("title"), button.get("payload")
        if title and payload:
            found.append(Choice(str(title), str(payload)))
    return found


def choice_lines(choices: Sequence[Choice], template: str, start: int = 1) -> List[str]:
    """``template`` has ``{n}`` and ``{label}``, e.g. "Reply {n} for {label}"."""
    return [template.replace("{n}", str(i)).replace("{label}", plain(c.title)) for i, c in enumerate(choices, start)]


_NUMBER_REPLY = re.compile(r"(?:#|no\.?|number|option|choice|reply|press)?\s*(\d{1,3})\s*[.)!]?", re.I)
# Words that say nothing about which option is meant.
_FILLER = frozenset(
    "a an the my me i or and of for to it is are on in please option choice number want need one".split()
)


def _words(text: str) -> List[str]:
    words = re.findall(r"[a-z0-9]+", to_gsm7(text).lower())
    # crude plural folding, so "x-ray" matches "X-rays" and "photo" matches "Photos"
    return [w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words]


def _contains_run(haystack: List[str], needle: List[str]) -> bool:
    n = len(needle)
    return any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


def match_choice(body: str, choices: Sequence[Choice]) -> Optional[str]:
    """The payload of the choice a reply picks, or None when it picks none.

    A number ("2", "2.", "#2", "option 2") picks by position; words pick the one
    option whose label they equal or are a run of ("dental" -> "Dental x-rays").
    Anything else (a new question, an ambiguous word) picks nothing.
    """
    if not choices or body is None:
        return None
    text = body.strip()
    number = _NUMBER_REPLY.fullmatch(text)
    if number:
        index = int(number.group(1))
        return choices[index - 1].payload if 1 <= index <= len(choices) else None
    words = _words(text)
    if not words or all(w in _FILLER for w in words):
        return None
    exact = [c for c in choices if _words(c.title) == words]
    if len(exact) == 1:
        return exact[0].payload
    partial = [c for c in choices if _contains_run(_words(c.title), words)]
    if len(partial) == 1:
        return partial[0].payload
    return None


# -- splitting and packing -------------------------------------------------


def _cut(text: str, limit: int) -> List[str]:
    """Split one over-long piece at sentence, then word boundaries (hard cut for a long word)."""
    pieces: List[str] = []
    for unit_re in (r"(?<=[.!?;:])\s+", r"\s+"):
        units = re.split(unit_re, text)
        if all(gsm7_length(u) <= limit for u in units):
            break
    current = ""
    for unit in units:
        while gsm7_length(unit) > limit:  # a single word longer than the limit
            head = unit[:limit]
            while gsm7_length(head) > limit:
                head = head[:-1]
            if current:
                pieces.append(current)
                current = ""
            pieces.append(head)
            unit = unit[len(head) :]
        candidate = f"{current} {unit}" if current else unit
        if gsm7_length(candidate) <= limit:
            current = candidate
        else:
            pieces.append(current)
            current = unit
    if current:
        pieces.append(current)
    return pieces


def split_text(text: str, limit: int) -> List[str]:
    """Split ``text`` into pieces of at most ``limit`` septets, at line breaks where possible."""
    if gsm7_length(text) <= limit:
        return [text]
    lines: List[str] = []
    for line in text.split("\n"):
        lines.extend([line] if gsm7_length(line) <= limit else _cut(line, limit))
    return _join(lines, limit)


def _join(pieces: Iterable, limit: int, separator: str = "\n") -> List[str]:
    """Greedy join of pieces into messages of at most ``limit``. A piece is a
    string or ``(text, separator before it)``."""
    messages: List[str] = []
    current: Optional[str] = None
    for piece in pieces:
        text, sep = piece if isinstance(piece, tuple) else (piece, separator)
        if current is None:
            current = text
        elif gsm7_length(current) + len(sep) + gsm7_length(text) <= limit:
            current = f"{current}{sep}{text}"
        else:
            messages.append(current)
            current = text
    if current is not None:
        messages.append(current)
    return [m.strip() for m in messages if m.strip()]


def _lines(blocks: Sequence[str], limit: int) -> List[tuple]:
    """Every line of every block as a piece (blank line between blocks, newline within)."""
    pieces: List[tuple] = []
    for block in blocks:
        for i, line in enumerate(x for x in block.split("\n") if x.strip()):
            for j, part in enumerate([line] if gsm7_length(line) <= limit else _cut(line, limit)):
                pieces.append((part, "\n\n" if i == 0 and j == 0 else "\n" if j == 0 else " "))
    return pieces


def pack(blocks: Sequence[str], max_messages: int = MAX_MESSAGES) -> List[str]:
    """Pack text blocks, in order, into at most ``max_messages`` messages.

    Messages stay within SOFT_LIMIT when everything fits in ``max_messages`` that
    way; otherwise the smallest longer limit that fits is used, never above
    HARD_LIMIT. At each limit, blocks are kept whole in one message if that
    fits; else messages may break between any two lines. If even HARD_LIMIT is
    not enough, the last message is cut and ends with "...".
    """
    blocks = [b for b in (b.strip() for b in blocks) if b]
    if not blocks:
        return []
    for limit in LIMIT_STEPS:
        pieces = [p for b in blocks for p in split_text(b, limit)]
        messages = _join(pieces, limit, separator="\n\n")
        if len(messages) <= max_messages:
            return messages
        messages = _join(_lines(blocks, limit), limit)
        if len(messages) <= max_messages:
            return messages
    kept = messages[: max_messages - 1]
    rest = "\n\n".join(messages[max_messages - 1 :])
    last = _cut(rest, HARD_LIMIT - len(ELLIPSIS) - 1)[0]
    return kept + [f"{last} {ELLIPSIS}"]


# -- a whole answer ----------------------------------------------------------


@dataclass
class Shaped:
    messages: List[str]  # the SMS texts to send, in order
    choices: List[Choice]  # the choices offered, numbered 1..n across the answer
    more: List[str] = field(default_factory=list)  # the pages sent one by one on "MORE"


@dataclass(frozen=True)
class Paging:
    """The words of the MORE flow (content/sms.yml), for ``shape``.

    ``contact``/``contact_hours``: a contact line ("{label}: {value}", with
    "{hours}"); ``contact_short``: contact kind -> a shorter line ("Call {value}")
    used when the long one does not fit; ``more``: part kind of the next page ->
    the hint that ends a message ("Reply MORE for steps."), "other" for any kind.
    """

    contact: str
    contact_hours: str
    contact_short: Dict[str, str]
    more: Dict[str, str]
    first_limit: int = FIRST_LIMIT
    page_limit: int = PAGE_LIMIT

    def hint(self, kind: str) -> str:
        return self.more.get(kind) or self.more["other"]


def part_of(message: dict) -> str:
    """The kind of reply part a bot message is (``triage.render.PARTS``; "text" when unnamed)."""
    return str(message.get("part") or "text")


def _texts_of(message: Dict[str, Any]) -> List[str]:
    """A bot message's text, and the address of its image or attachment (a link is all SMS can carry)."""
    parts = [plain(message.get("text") or "")]
    for key in ("image", "attachment"):
        value = message.get(key)
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            parts.append(to_gsm7(value))
    return parts


def shape(
    bot_messages: Sequence[dict],
    choice_template: str,
    max_messages: int = MAX_MESSAGES,
    paging: Optional[Paging] = None,
) -> Shaped:
    """Turn one turn's bot messages (Rasa's dicts: text, buttons, custom, image,
    attachment) into at most ``max_messages`` SMS texts.

    Each message's ``part`` names its kind (``triage.render.PARTS``): the
    department answer (part ``department_card``) and its contacts (the next
    ``contacts`` part) go first, together; buttons become numbered "Reply n for
    ..." lines (numbered across the whole answer); images and attachments become
    bare URLs; other custom data is not shown.

    With ``paging`` (what the SMS channel uses), the answer is a first message of
    one segment and pages sent on MORE instead (see :class:`Paging`).
    """
    if paging is not None:
        return _paged(bot_messages, choice_template, paging)
    blocks: List[list] = []  # [priority, order, text]
    choices: List[Choice] = []
    kinds = {}
    for order, message in enumerate(bot_messages):
        kinds[order] = part_of(message)
        parts = _texts_of(message)
        offered = choices_from_buttons(message.get("buttons") or message.get("quick_replies"))
        if offered:
            parts.extend(choice_lines(offered, choice_template, start=len(choices) + 1))
            choices.extend(offered)
        text = "\n".join(p for p in parts if p)
        if text:
            blocks.append([0 if kinds[order] == "safety" else 2, order, text])

    anchor = next((b for b in blocks if kinds[b[1]] == "department_card"), None)
    if anchor is not None:
        anchor[0] = 1
        contacts = next((b for b in blocks if b[1] > anchor[1] and kinds[b[1]] == "contacts"), None)
        if contacts is not None:  # one block: the department and how to reach it
            anchor[2] = f"{anchor[2]}\n\n{contacts[2]}"
            blocks.remove(contacts)
    ordered = [text for _priority, _order, text in sorted(blocks, key=lambda b: (b[0], b[1]))]
    return Shaped(pack(ordered, max_messages), choices)


# -- the MORE flow -------------------------------------------------------------


@dataclass
class _Unit:
    kind: str  # the part kind (part_of)
    text: str
    whole: bool  # never split (a block with numbered choices)


# Contacts the first message leaves out while others fit: a street address is too
# long for one segment, and a fax is rarely how someone who texts reaches a desk.
_FIRST_SKIP = ("mail", "fax")
# Parts whose numbered options are what the person must answer: the text and its
# options are one unit, never split over MORE pages.
_ASKING = ("choices", "fallback", "greeting", "anything_else", "handoff")


def _contact_lines(contact: Dict[str, Any], paging: Paging) -> List[str]:
    """The ways to write one contact, longest first."""
    value, label, hours = (str(contact.get(k) or "") for k in ("value", "label", "hours"))
    lines = []
    if label and hours:
        lines.append(paging.contact_hours.replace("{label}", label).replace("{value}", value).replace("{hours}", hours))
    if label:
        lines.append(paging.contact.replace("{label}", label).replace("{value}", value))
    short = paging.contact_short.get(str(contact.get("kind") or ""))
    if short:
        lines.append(short.replace("{value}", value))
    lines.append(value)
    return [plain(line) for line in lines if line.strip()]


def first_message(
    heading: str, description: str, contacts: Sequence[Dict[str, Any]], paging: Paging, reserve: int
) -> Tuple[List[str], bool, bool]:
    """The lines of the first SMS of a route answer: where to go and how to reach
    them, within ``paging.first_limit`` (one segment) less ``reserve`` septets
    (kept for the MORE hint and its line break).

    Returns (lines, the description is in, every contact is there in full).
    """
    limit = paging.first_limit - reserve

    def size(lines: List[str]) -> int:
        return gsm7_length("\n".join(lines))

    if gsm7_length(heading) > limit // 2:  # a very long heading: keep room for a contact
        heading = _cut(heading, limit // 2)[0]
    ordered = [c for c in contacts if c.get("kind") not in _FIRST_SKIP] or list(contacts)[:1]
    lines = [heading]
    complete = len(ordered) == len(contacts)
    for contact in ordered:
        options = _contact_lines(contact, paging)
        fitting = next((line for line in options if size(lines + [line]) <= limit), None)
        if fitting is None and len(lines) == 1:  # no contact yet: the shortest, cut if need be
            fitting = _cut(options[-1], limit - size(lines) - 1)[0]
        if fitting is None:
            complete = False
            continue
        complete = complete and fitting == options[0]
        lines.append(fitting)
    with_description = bool(description) and size([f"{heading} {description}"] + lines[1:]) <= limit
    if with_description:
        lines[0] = f"{heading} {description}"
    return lines, with_description, complete


def _pages(units: Sequence[_Unit], paging: Paging) -> List[str]:
    """Pack units, in order, into pages of at most ``paging.page_limit`` septets,
    each ending with the hint for the next page (the last with none)."""
    longest_hint = max(gsm7_length(h) for h in paging.more.values()) + 1
    room = paging.page_limit - longest_hint
    pages: List[List[Tuple[str, str, str]]] = []  # each piece: (text, separator before it, kind)

    def used() -> int:
        return gsm7_length("".join(sep + text for text, sep, _k in pages[-1]).strip()) if pages else room

    for unit in units:
        if pages and used() + 2 + gsm7_length(unit.text) <= room:
            pages[-1].append((unit.text, "\n\n", unit.kind))
        elif unit.whole or (used() >= room // 2 and gsm7_length(unit.text) <= room):
            pages.append([(unit.text, "\n\n", unit.kind)])  # whole, on a page of its own
        else:  # line by line: fills the page begun, then goes on
            for text, sep in _lines([unit.text], room):
                if pages and used() + len(sep) + gsm7_length(text) <= room:
                    pages[-1].append((text, sep, unit.kind))
                else:
                    pages.append([(text, sep, unit.kind)])
    texts = []
    for i, page in enumerate(pages):
        body = "".join(sep + text for text, sep, _k in page).strip()
        if i + 1 < len(pages):
            body = f"{body}\n{paging.hint(pages[i + 1][0][2])}"
        texts.append(body)
    return texts


def _paged(bot_messages: Sequence[dict], choice_template: str, paging: Paging) -> Shaped:
    safety: List[str] = []
    units: List[_Unit] = []
    questions: List[_Unit] = []
    choices: List[Choice] = []
    card: Optional[Dict[str, Any]] = None
    card_unit: Optional[_Unit] = None
    card_contacts: Optional[_Unit] = None
    for message in bot_messages:
        kind = part_of(message)
        parts = _texts_of(message)
        offered = choices_from_buttons(message.get("buttons") or message.get("quick_replies"))
        options = choice_lines(offered, choice_template, start=len(choices) + 1) if offered else []
        choices.extend(offered)
        text = "\n".join(p for p in parts + options if p)
        if not text:
            continue
        if kind == "safety":  # first and whole, never behind MORE
            safety.extend(split_text(text, HARD_LIMIT))
            continue
        unit = _Unit(kind, text, bool(offered))
        if kind == "choices":  # a question: in the first reply, whole
            questions.append(unit)
            continue
        if options and kind not in _ASKING:  # suggestions after an answer: the answer may
            body = "\n".join(p for p in parts if p)  # go on over pages, the options stay together
            units.extend(u for u in (_Unit(kind, body, False), _Unit(kind, "\n".join(options), True)) if u.text)
            continue
        custom = message.get("custom")
        if card is None and kind == "department_card" and isinstance(custom, dict) and custom.get("contacts"):
            card, card_unit = custom, unit
        elif card_unit is not None and card_contacts is None and kind == "contacts":
            card_contacts = unit
        units.append(unit)

    if card is None or card_unit is None:
        if not units:
            return Shaped(safety + ["\n\n".join(q.text for q in questions)] if questions else safety, choices)
        pages = _pages(units, paging)
        first = [pages[0]] + (["\n\n".join(q.text for q in questions)] if questions else [])
        return Shaped(safety + first, choices, pages[1:])

    heading = plain(str(card.get("sms_heading") or ""))
    if not heading or not card_unit.text.startswith(heading):
        heading = card_unit.text.split("\n")[0]
    description = card_unit.text[len(heading) :].strip()
    reserve = max(gsm7_length(h) for h in paging.more.values()) + 1
    lines, with_description, complete = first_message(
        heading, "" if "\n" in description else description, card["contacts"], paging, reserve
    )
    rest = [u for u in units if u is not card_unit and not (complete and u is card_contacts)]
    if description and not with_description:
        rest.insert(0, _Unit("department_card", description, False))
    if not lines[0].startswith(heading):  # the heading was cut: the whole card text comes on MORE
        rest.insert(0, _Unit("department_card", card_unit.text, False))
    text = "\n".join(lines + ([paging.hint(rest[0].kind)] if rest else []))
    first = [text] + (["\n\n".join(q.text for q in questions)] if questions else [])
    return Shaped(safety + first, choices, _pages(rest, paging) if rest else [])
