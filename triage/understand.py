"""Read a message with the words of content/conversation.yml and vocabulary.yml.

Rasa's NLU gives an intent and entities; this gives what a clerk notices at a
glance and what a classifier trained on our own phrasings tends to miss: a
safety concern, a neighbour's task, the detail asked for (phone, fax, cost...),
a department named, the requests named and the facts stated, a place, and a
correction. Pure: no Rasa imports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache, wraps
from typing import Callable, Dict, Iterable, List, Optional, Set, Tuple, TypeVar

from triage import safety_model
from triage.content_schema import Content
from triage.conversation_content import ConversationContent
from triage.vocabulary import clean, fold, longest_phrase, whole_words

QUESTION_START = re.compile(
    # after "and", "ok", "y", "pero" and a preposition: "y en cuantos dias esta", "and at what time"
    r"^(?:(?:y|and|ok|okay|pero|but|so|entonces|also|tambien)\s+)?(?:(?:en|a|de|por|para|pa|in|at|to|for|from)\s+)?"
    r"(what|whats|what's|wut|wat|where|wheres|where's|when|who|whom|how|hows|is|are|am|can|could|do|does|did|will|"
    r"would|should|may|which|any|if|pls|please|"
    # Spanish, without accents (clean() drops them): "cuanto cuesta", "puedo mandarlo"
    r"que|q|como|cuanto|cuanta|cuantos|cuantas|cuando|donde|adonde|quien|cual|cuales|puedo|pueden|puede|"
    r"tengo|tienen|hay|necesito|debo|se puede|me pueden|me puede)\b"
)
# "number 2", "the second one", "2", "option 3"
ORDINALS = {
    "first": 1,
    "1st": 1,
    "one": 1,
    "second": 2,
    "2nd": 2,
    "two": 2,
    "third": 3,
    "3rd": 3,
    "three": 3,
    "fourth": 4,
    "4th": 4,
    "four": 4,
    "last": -1,
    # Spanish: "la segunda", "el primero", "numero 3"
    "primero": 1,
    "primera": 1,
    "uno": 1,
    "segundo": 2,
    "segunda": 2,
    "dos": 2,
    "tercero": 3,
    "tercera": 3,
    "tres": 3,
    "cuarto": 4,
    "cuarta": 4,
    "cuatro": 4,
    "ultimo": -1,
    "ultima": -1,
}


# "Correction: our client is 16" / "sorry, correction - ...": a change of a fact
# already given, not a request to correct the record
LEADING_CORRECTION = re.compile(
    r"^\W*(?:(?:sorry|ok|okay|oh|oops|wait)\W+)?(?:(?:a|one|quick|small|slight|tiny)\s+)?correction\b"
)


def _near(first: Iterable[str], second: Iterable[str]) -> re.Pattern:
    """A word of the first set within a few words of one of the second, either order."""
    one = "|".join(re.escape(fold(w)) for w in sorted(first, key=len, reverse=True))
    two = "|".join(re.escape(fold(w)) for w in sorted(second, key=len, reverse=True))
    gap = r"(?:\W+[\w']+){0,%d}\W+" % NEAR_WORDS
    return re.compile(rf"(?<![\w-])(?:(?:{one}){gap}(?:{two})|(?:{two}){gap}(?:{one}))(?![\w-])")


@lru_cache(maxsize=None)
def _pattern(phrase: str) -> re.Pattern:
    """Whole words (``vocabulary.whole_words``); a `*` in a phrase stands for up to
    four words ("add * to my chart")."""
    if "*" not in phrase:
        return whole_words(phrase)
    body = r"(?:\s+\S+){0,4}\s+".join(re.escape(fold(part.strip())) for part in phrase.split("*"))
    return re.compile(rf"(?<![\w-]){body}(?![\w-])")


def find(phrases: Iterable[str], text: str) -> Optional[Tuple[int, int, str]]:
    """(position, -length, phrase) of the earliest, then longest, phrase found as whole words."""
    best = None
    for phrase in phrases:
        match = _pattern(phrase).search(text)
        if match:
            key = (match.start(), -len(phrase), phrase)
            if best is None or key < best:
                best = key
    return best


def longest(table: Dict[str, List[str]], text: str) -> Optional[str]:
    """The key whose longest phrase is found in ``text`` (ties: table order)."""
    return longest_phrase(table, [text])[1]


@dataclass(frozen=True)
class Reading:
    text: str
    safety: Optional[str] = None
    more_safety: Tuple[str, ...] = ()  # other safety kinds named now, in content order
    neighbour: Optional[str] = None
    asks: Tuple[str, ...] = ()
    departments: Tuple[str, ...] = ()
    requests: Tuple[str, ...] = ()
    positions: Dict[str, int] = field(default_factory=dict)  # where each request is first named
    facts: Dict[str, str] = field(default_factory=dict)
    correction: bool = False
    question: bool = False
    words: int = 0


def _ordered(table: Dict[str, List[str]], text: str) -> List[Tuple[int, int, str]]:
    """The keys of ``table`` whose phrases are in ``text``, in order of appearance."""
    found = []
    for key, phrases in table.items():
        hit = find(phrases, text)
        if hit:
            found.append((hit[0], hit[1], key))
    return sorted(found)


def _named(table: Dict[str, List[str]], text: str) -> List[Tuple[int, int, str]]:
    """Like ``_ordered``, but a key only found inside a longer phrase of another key
    does not count ("extend my fmla" is a leave change, not also a new leave). Only
    fixed phrases hold others inside them ("my mri records" is imaging, not records)."""
    spans = {
        key: [(m.start(), m.end(), "*" not in phrase) for phrase in phrases for m in _pattern(phrase).finditer(text)]
        for key, phrases in table.items()
    }
    found = []
    for key, own in spans.items():
        others = [(s, e, fixed) for other, theirs in spans.items() if other != key for s, e, fixed in theirs]
        # a phrase with a gap holds only what ends or starts with it ("agreguen mi
        # testamento a mi expediente": its "mi expediente" is no records request)
        free = [
            (start, end)
            for start, end, _ in own
            if not any(
                s <= start and end <= e and (e - s) > (end - start) and (fixed or end == e or start == s)
                for s, e, fixed in others
            )
        ]
        if free:
            start, end = min(free)
            found.append((start, start - end, key))
    return sorted(found)


# "not fmla", "not the little summary on the website": what follows, up to the end of
# the clause (six words at most), is not what the person asks for ("not sure" is no "not")
NEGATED = re.compile(
    r"\b(?:not|isn't|isnt|no longer|never mind|nevermind|forget about|forget)\b(?! sure)(?:\s+[a-z0-9'&-]+){1,6}?(?=\s*(?:[.,;:!?]|$| but | and | so ))"
    # "es la de disability, no el fmla", "no es la forma del fmla, es otra"
    r"|\bno (?:es |era )?(?:el|la|los|las)\b(?:\s+[a-z0-9'&-]+){1,5}?(?=\s*(?:[.,;:!?]|$| sino | pero | y | es ))"
)


PAST_YEAR = re.compile(
    r"\b(?:in|from|since|back in|en|desde|del|de)\s+(?:19[5-9]\d|20[0-2]\d)\b"
    # "3 yrs ago", "six months ago", "hace 6 meses", "hace dos anos"
    r"|\b(?:\d+|a|one|two|three|four|five|six|several|few)\s+(?:years?|months?)\s+ago\b"
    r"|\bhace\s+(?:\d+|un|una|unos|unas|dos|tres|cuatro|cinco|seis|varios|varias)\s+(?:anos?|mes|meses)\b"
)

# One spelling for the words people write several ways, used only to look for
# safety words: the lists then need one form ("wont stop bleeding" also finds "will
# not stop bleeding", "won't stop bleeding"), and "3 yrs ago" reads as "3 years ago".
SAME_WORDS = tuple(
    (re.compile(pattern), plain)
    for pattern, plain in (
        (r"\b(?:will not|won't|wont|willnot)\b", "wont"),
        (r"\b(?:can not|cannot|can't|cant)\b", "cant"),
        (r"\b(?:could not|couldn't|couldnt)\b", "couldnt"),
        (r"\b(?:is not|isn't|isnt)\b", "isnt"),
        (r"\b(?:are not|aren't|arent)\b", "arent"),
        (r"\b(?:do not|don't|dont)\b", "dont"),
        (r"\b(?:does not|doesn't|doesnt)\b", "doesnt"),
        (r"\b(?:did not|didn't|didnt)\b", "didnt"),
        (r"\b(?:i am|i'm|im)\b", "im"),
        (r"\b(?:he is|he's|hes)\b", "hes"),
        (r"\b(?:she is|she's|shes)\b", "shes"),
        (r"\b(?:it is|it's)\b", "its"),
        (r"\b(?:i have|i've|ive)\b", "ive"),
        (r"\b(?:yrs|yr)\b", "years"),
        (r"\b(?:mos|mths)\b", "months"),
        (r"\b(?:wks|wk)\b", "weeks"),
        (r"\b(?:rn)\b", "right now"),
        (r"\bq\b", "que"),
        (r"\bxq\b", "porque"),
    )
)


@lru_cache(maxsize=4096)
def same_words(text: str) -> str:
    """``text`` (cleaned) with each of SAME_WORDS in its one spelling."""
    for pattern, plain in SAME_WORDS:
        text = pattern.sub(plain, text)
    return text


def _one_spelling(phrase: str) -> str:
    """A content phrase as messages are matched: folded, SAME_WORDS in one spelling."""
    return same_words(fold(phrase))


def _safety_patterns(phrases: Iterable[str], near: Iterable[List[List[str]]]) -> Tuple["re.Pattern[str]", ...]:
    """The compiled patterns of one safety kind, its words in their one spelling."""
    return (
        *(_pattern(_one_spelling(phrase)) for phrase in phrases),
        *(_near([_one_spelling(w) for w in one], [_one_spelling(w) for w in two]) for one, two in near),
    )


def _same_phrases(*lists: Iterable[str]) -> Tuple[str, ...]:
    return tuple(_one_spelling(phrase) for phrases in lists for phrase in phrases)


CARE_WORDS = {"care", "kaiser", "kp", "clinic", "hospital", "home", "facility", "treated", "seen", "doctor", "doctors"}
NEAR_WORDS = 6  # words allowed between the two words of a safety pair
NEAR = 60  # characters around a symptom where "last year" or "right now" is about it
TOUCHING = 12  # characters around a symptom where a past word is part of its name ("stroke rehab")


# "the portal doesn't have the old stuff": the place said to lack it is not where to go
LACKING = re.compile(
    r"\b(?:the )?(?:portal|website|app|kp\.?org|mychart)\s+(?:doesn't|doesnt|does not|don't|dont|won't|wont|isn't|isnt"
    r"|didn't|didnt|can't|cant)\s+(?:have|show|work|load|let)\b"
    # "she doesn't use kp.org", "la mama no usa kp.org", "no tiene cuenta en kp.org": not where to go
    r"|\b(?:doesn't|doesnt|does not|don't|dont|do not|can't|cant|no)\s+(?:use|usa|uso|tiene|have|has|sabe usar|maneja"
    r"|entra a|entra en|puede entrar a|know how to use)\s+(?:(?:una |a |an |la |el )?(?:cuenta|account)\s+(?:en |de |on |with )?)?"
    r"(?:the )?(?:portal|website|app|kp\.?org|mychart|el portal|la app|la pagina)\b"
    # "ya busque en kp.org y no sale": looked there, not there
    r"|\b(?:portal|kp\.?org|app|pagina)\b[^.?!]{0,20}?\bno (?:sale|salen|aparece|aparecen|esta|estan|lo encuentro|la encuentro)\b"
)


def _blank_negated(message: str, text: str) -> str:
    """``text`` (cleaned) with what the raw message says it is not blanked out, at
    the same positions (clause ends are read in the raw message, before cleaning
    drops the punctuation)."""
    out = text
    raw = (message or "").lower().replace("’", "'")
    for match in [*NEGATED.finditer(raw), *LACKING.finditer(raw)]:
        words = clean(match.group(0))
        at = out.find(words) if words else -1
        if at >= 0:
            out = out[:at] + " " * len(words) + out[at + len(words) :]
    return out


def safety_kind(conversation: ConversationContent, text: str) -> Optional[str]:
    """The first safety kind named; a past symptom in a records request does not count."""
    return _safety(conversation, text)[0]


def past_safety_kind(conversation: ConversationContent, text: str) -> Optional[str]:
    """A crisis or abuse told only as long past ("records of my suicide attempt in
    2018"): the request is answered, with a note of where help is."""
    now, past = _safety(conversation, text)
    return None if now else past


@dataclass(frozen=True)
class _SafetyWords:
    """A conversation content's safety words, compiled in their one spelling."""

    kinds: Tuple[Tuple[str, Tuple[re.Pattern, ...], Tuple[str, ...]], ...]  # (kind, patterns, past markers)
    past_named: Tuple[str, ...]
    present: Tuple[str, ...]
    any_past: Tuple[str, ...]


T = TypeVar("T")
R = TypeVar("R")


def _per_object(build: Callable[[T], R]) -> Callable[[T], R]:
    """``build`` run once per content object (content models are not hashable, and
    a new object, as tests make, gets its own)."""
    kept: Dict[int, Tuple[T, R]] = {}

    @wraps(build)
    def get(owner: T) -> R:
        hit = kept.get(id(owner))
        if hit is not None and hit[0] is owner:
            return hit[1]
        value = build(owner)
        kept[id(owner)] = (owner, value)
        return value

    return get


@_per_object
def _safety_words(conversation: ConversationContent) -> _SafetyWords:
    kinds = []
    for kind, spec in conversation.safety.items():
        # a crisis or abuse counts unless told as long past; a symptom unless past
        lasting = kind not in ("emergency", "poison")
        markers = conversation.long_past_markers if lasting else conversation.past_markers
        kinds.append((kind, _safety_patterns(spec.phrases, spec.near), _same_phrases(markers)))
    return _SafetyWords(
        kinds=tuple(kinds),
        past_named=_same_phrases(conversation.past_named),
        present=_same_phrases(conversation.present_markers),
        any_past=_same_phrases(conversation.past_markers, conversation.long_past_markers),
    )


def _safety_found(
    conversation: ConversationContent, text: str, every: bool = False
) -> Tuple[Tuple[str, ...], Optional[str]]:
    """(the safety kinds happening now: the first, or with ``every`` all of them in
    content order; the first told as past)."""
    told_past = None
    now: List[str] = []
    text = same_words(text)
    words = _safety_words(conversation)
    for kind, patterns, markers in words.kinds:
        # a crisis or abuse counts unless told as long past ("records of my suicide
        # attempt in 2018"); a symptom counts unless said to be past ("records from my
        # chest pain visit last year"); only time words near it count ("had a stroke
        # two weeks ago ... right now"), and any one not said to be past is enough
        found = False
        for pattern in patterns:
            for match in pattern.finditer(text):
                near = text[max(0, match.start() - NEAR) : match.end() + NEAR]
                past = bool(find(markers, near) or PAST_YEAR.search(near))
                # "his stroke rehab", "died of a heart attack": a word touching the
                # symptom that makes it the name of something past says it is past,
                # whatever else the message says is now
                touching = text[max(0, match.start() - TOUCHING) : match.end() + TOUCHING]
                if past and find(words.past_named, touching):
                    told_past = told_past or kind
                    continue
                if not past or find(words.present, near):
                    found = True
                    break
                told_past = told_past or kind
            if found:
                break
        if found:
            now.append(kind)
            if not every:
                break
    return tuple(now), (None if now else told_past)


def _safety(conversation: ConversationContent, text: str) -> Tuple[Optional[str], Optional[str]]:
    """(the first safety kind happening now, the first told as past)."""
    now, past = _safety_found(conversation, text)
    return (now[0] if now else None), past


def safety_kinds(conversation: ConversationContent, text: str) -> Tuple[str, ...]:
    """Every safety kind happening now, in content order ("he choked me and now I
    can't breathe": an emergency and abuse)."""
    return _safety_found(conversation, text, every=True)[0]


def _told_as_past(conversation: ConversationContent, text: str) -> bool:
    """A past word or a year in the message, and no word saying something is now."""
    text = same_words(text)
    words = _safety_words(conversation)
    past = find(words.any_past, text) or PAST_YEAR.search(text)
    return bool(past) and not find(words.present, text)


def _safety_of(conversation: ConversationContent, text: str) -> Optional[str]:
    """The safety kind the words find; else the safety model's for a message that
    tells of nothing past (triage/safety_model.py)."""
    now, past = _safety(conversation, text)
    if now or past or len(text.split()) < safety_model.MIN_WORDS or _told_as_past(conversation, text):
        return now
    return safety_model.model().kind(text)


@_per_object
def _ask_words(
    conversation: ConversationContent,
) -> Tuple[Tuple[Tuple[str, Tuple[str, ...]], ...], Tuple[str, ...]]:
    """The asks' words and the not-asks' words in their one spelling (SAME_WORDS)."""
    return (
        tuple((kind, _same_phrases(phrases)) for kind, phrases in conversation.asks.items()),
        _same_phrases(conversation.not_asks),
    )


@_per_object
def _contact_departments(content: Content) -> Tuple[Tuple[str, str], ...]:
    """(a phone, fax or email in lower case, its department) for each contact that
    belongs to one department only (not the toll-free line ROI shares)."""
    owners: Dict[str, Set[str]] = {}
    for key, department in content.departments.items():
        for contact_ids in department.contacts.values():
            for contact_id in contact_ids:
                owners.setdefault(contact_id, set()).add(key)
    pairs = []
    for contact_id, keys in sorted(owners.items()):
        # a contact several departments list is the one its name says ("roi_phone")
        named = [key for key in keys if contact_id.startswith(key + "_")]
        owner = named[0] if len(named) == 1 else next(iter(keys)) if len(keys) == 1 else None
        if owner and content.contacts[contact_id].kind in ("phone", "fax", "email"):
            pairs.append((content.contacts[contact_id].value.lower(), owner))
    shared = {value for value, _ in pairs if sum(1 for v, _ in pairs if v == value) > 1}
    return tuple(pair for pair in pairs if pair[0] not in shared)


DESTINATION = re.compile(
    r"\b(?:to|into|in|on|onto|a|al|en|para|pa)\s+(?:(?:my|his|her|their|the|your|our|mi|mis|su|sus|el|la|tu)\s+)?$"
)


def _without_destination_records(
    conversation: ConversationContent, text: str, found: List[Tuple[int, int, str]]
) -> List[Tuple[int, int, str]]:
    """``found`` with "records" placed at its first mention that is not the chart as
    a destination ("to my chart", "en su expediente"), or dropped if all are."""
    others = [hit for hit in found if hit[2] != "records"]
    if len(others) == len(found):
        return found
    spans = [
        (m.start(), m.end())
        for phrase in conversation.requests.get("records", [])
        for m in _pattern(phrase).finditer(text)
    ]
    kept = [(start, end) for start, end in spans if not DESTINATION.search(text[max(0, start - 12) : start])]
    # a mention inside another request's phrase is not one of its own
    inside = [(start, start - negative_length) for start, negative_length, _ in others]
    kept = [(start, end) for start, end in kept if not any(s <= start and end <= e for s, e in inside)]
    if not kept:
        return others
    start, end = min(kept)
    return sorted(others + [(start, start - end, "records")])


def read(content: Content, conversation: ConversationContent, message: str) -> Reading:
    text = clean((message or "").replace("#", " number "))
    if not text:
        return Reading(text="")
    words = len(text.split())
    # asks in one spelling too: "a q hora", "q tengo q mandar", "what's the fax"
    asks_words, not_asks = _ask_words(conversation)
    asking = same_words(re.sub(r"\btoll[ -]free\b", "tollfree", text))  # a phone line, not a price
    for phrase in not_asks:
        asking = _pattern(phrase).sub(" ", asking)
    asks = tuple(kind for kind, phrases in asks_words if find(phrases, asking))
    meant = LEADING_CORRECTION.sub(" ", _blank_negated(message, text), count=1)
    for phrase in conversation.not_requests:
        meant = _pattern(phrase).sub(" ", meant)
    departments = tuple(key for _, _, key in _ordered(conversation.departments_named, meant))
    # "what hours is <ROI's number> open?": a department named by its own number or email
    departments += tuple(
        dict.fromkeys(key for value, key in _contact_departments(content) if value in text and key not in departments)
    )
    found_requests = _named(conversation.requests, meant)
    generic = find(conversation.generic_form_phrases, text)
    if generic and not any(key not in ("records",) for _, _, key in found_requests):
        found_requests = sorted(found_requests + [(generic[0], generic[1], "clinician_form")])
    named = {key for _, _, key in found_requests}
    outranked = {other for key in named for other in conversation.outranks.get(key, [])}
    found_requests = [hit for hit in found_requests if hit[2] not in outranked]
    if {"records", "clinician_form"} <= {key for _, _, key in found_requests} and not find(
        conversation.form_words, meant
    ):
        # "daycare wants our baby's vaccine record": a record to fetch, not a form to fill out
        found_requests = [hit for hit in found_requests if hit[2] != "clinician_form"]
    if "add_to_chart" in {key for _, _, key in found_requests}:
        # "add them to my chart", "que la tenga en su expediente": the chart named as
        # where papers go is no records request of its own
        found_requests = _without_destination_records(conversation, meant, found_requests)
    keys = {key for _, _, key in found_requests}
    if (
        "leave_certification" in keys
        and keys - {"records", "leave_certification"}
        and not find(conversation.leave_words, meant)
    ):
        # "off work ... a short term disability form": time off named, the form asked for
        found_requests = [hit for hit in found_requests if hit[2] != "leave_certification"]
    if (
        {"records", "leave_certification"} <= {key for _, _, key in found_requests}
        and find(conversation.leave_claim_words, meant)
        and not find(conversation.form_words, meant)
    ):
        # "filing for WA paid family leave, need my records": records for a claim
        found_requests = [hit for hit in found_requests if hit[2] != "leave_certification"]
    requests = tuple(dict.fromkeys(key for _, _, key in found_requests))
    if "self_service" in departments and set(requests) - {"records", "request_status"}:
        # "the FMLA request on kp.org, how many days?": kp.org is where that request is
        # made, not the portal's answer
        departments = tuple(d for d in departments if d != "self_service")
    positions: Dict[str, int] = {}
    for position, _, key in found_requests:
        positions.setdefault(key, position)
    facts: Dict[str, str] = {}
    for slot, table in conversation.facts.items():
        value = longest(table, meant)  # "not only the vaccines": no vaccine record asked
        if value is None:
            value = longest(content.vocabulary.get(slot, {}), meant)
        if value is not None and value != "any_record":
            facts[slot] = value
    if facts.get("requester") == "proxy" and speaks_as_patient(conversation, text):
        del facts["requester"]
    region = place(content, conversation, text)
    if region:
        facts["region"] = region
    neighbour = None
    for kind, spec in conversation.neighbours.items():
        if find(spec.phrases, text):
            neighbour = kind
            break
    safety = _safety_of(conversation, text)
    return Reading(
        text=text,
        safety=safety,
        more_safety=safety_kinds(conversation, text)[1:] if safety else (),
        neighbour=neighbour,
        asks=asks,
        departments=departments,
        requests=requests,
        positions=positions,
        facts=facts,
        correction=bool(find(conversation.corrections, text)) or text.startswith("no "),
        # a question in any sentence ("ok I'll call tonight. can you still tell me ...")
        question="?" in message or any(QUESTION_START.match(part) for part in re.split(r"(?<=[.!;])\s+", text)),
        words=words,
    )


def speaks_as_patient(conversation: ConversationContent, text: str) -> bool:
    """Someone else's records asked for as the patient's own: a personal
    representative (power of attorney, executor, a minor's parent) is treated as the
    patient (with proof), and a call-center agent typing for the caller ("caller
    wants her records", "pt needs his MRI on a disc") with no relative named means
    the caller's own records."""
    if find(conversation.representative_markers, text):
        return True
    return bool(find(conversation.caller_words, text)) and not find(conversation.relatives, text)


def place(content: Content, conversation: ConversationContent, text: str) -> Optional[str]:
    """The region value (vocabulary.yml `region`) a place in the text belongs to."""
    region_words = conversation.option_words.get("region", [])
    table = dict(content.vocabulary.get("region", {}))
    options = content.messages.questions["region"].options
    for option, words in zip(options, region_words):
        value = option.facts["region"]
        table[value] = list(table.get(value, [])) + list(words)
    # a place said not to be it ("never Portland", "moved from Salem") does not count
    text = re.sub(r"\b(not|never|from|left|moved out of|used to live in)( in)? [a-z]+( [a-z]+)?", " ", text)
    # "ya no vivo en Vancouver", "me mude de Salem", "antes vivia en Yakima"
    text = re.sub(
        r"\b(ya no vivo en|ya no estoy en|no vivo en|me mude de|me fui de|antes vivia en|vivia en|sali de)"
        r" [a-z]+( [a-z]+)?",
        " ",
        text,
    )
    # where the care is wins over where someone lives ("I live in Seattle but my mom
    # is in a nursing home in Salem"): the records are kept where the care was
    for said in re.finditer(r"\b(?:in|at) (?=([a-z]+(?: [a-z]+)?))", text):
        before = text[: said.start()].split()[-4:]
        if any(word.strip(".,;:!?") in CARE_WORDS for word in before):
            chosen = longest(table, said.group(1))
            if chosen and chosen != "washington":
                return chosen
    # the place right after "I meant", "actually", "I live in" wins ("I meant Tacoma, my sister is in Spokane")
    for said in reversed(
        list(
            re.finditer(
                r"\b(?:meant|mean|actually|live in|living in|i'm in|im in|i am in|based in"
                r"|vivo en|estoy en|me mude a|me cambie a|ahora en|me atiendo en)\s+([a-z]+(?: [a-z]+)?)",
                text,
            )
        )
    ):
        chosen = longest(table, said.group(1))
        if chosen and chosen != "washington":
            return chosen
    # a part of Washington wins over "Washington" ("KP Washington, east side")
    specific = longest({k: v for k, v in table.items() if k != "washington"}, text)
    if specific:
        return specific
    found = longest(table, text)
    if found == "washington" and re.search(r"\b(dc|d\.c\.)\b", text):
        return None
    return found


def option_index(text: str, count: int) -> Optional[int]:
    """0-based option a reply like "2", "number 2", "the second one" picks."""
    digits = re.fullmatch(r"(?:option |number |no\.? |#|opcion |numero |el |la |la opcion )?(\d)\.?", text)
    if digits:
        n = int(digits.group(1))
        return n - 1 if 1 <= n <= count else None
    for word, n in ORDINALS.items():
        if re.fullmatch(rf"(?:the |el |la |la opcion )?{word}(?: one| option| opcion)?", text):
            index = count - 1 if n == -1 else n - 1
            return index if 0 <= index < count else None
    return None


def option_facts(
    content: Content, conversation: ConversationContent, slot: str, message: str
) -> Optional[Dict[str, str]]:
    """The facts of the option a typed reply picks for our question ``slot``."""
    question = content.messages.questions.get(slot)
    if question is None:
        return None
    text = clean(message or "")
    index = option_index(text, len(question.options))
    if index is not None:
        return dict(question.options[index].facts)
    if slot == "region":
        region = place(content, conversation, text)
        if region and region != "washington":
            return {"region": region}
    for option in question.options:
        label = clean(option.label.get())
        if text == label:
            return dict(option.facts)
    table = {str(i): words for i, words in enumerate(conversation.option_words.get(slot, []))}
    found = longest(table, text)
    if found is not None:
        return dict(question.options[int(found)].facts)
    return None
