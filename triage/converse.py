"""The conversation step: (state, what was understood) -> (replies, next state).

Pure: no Rasa imports. ``actions/action_converse.py`` reads the state from the
slots, calls :func:`step` and writes back what it returns. The order is the
order a careful clerk follows:

1. a button press goes to the handler of its intent, as before;
2. safety first: an emergency or a crisis gets 911 / 988 and no department;
3. a typed answer to our own open question ("the whole thing", "olympia", "2");
4. a neighbour's task (appointments, refills, bills...) gets a pointer, no department;
5. a correction of a fact already given ("wait, it's my husband's");
6. a question about the answer in context, from the route questions in content;
7. a direct question for one detail (phone, email, fax, address, hours, cost, time);
8. a request, named by NLU or by the words of content/conversation.yml, and a
   second one in the same message;
9. a department named alone ("ROI");
10. our open question once more with the ROI phone, never in a loop;
11. everything else goes to the handler of its intent (``delegate``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from triage.content_schema import PLACEHOLDER, Content, Text
from triage.conversation_content import ConversationContent
from triage.engine import (
    DIRECT_ROUTES,
    INTENT_FOR_REQUEST,
    PORTAL_RECORD_KINDS,
    REQUEST_INTENTS,
    REQUESTS,
    Facts,
    Question,
    Route,
    home_only_contacts,
    region_of,
    triage,
)
from triage.fees import FREE_PURPOSES, PAID_LEAVE_PROGRAMS, read_pages
from triage.language import decide, load_language_words
from triage.render import Renderer, Reply
from triage.rights import RIGHTS_INTENTS, answer, detect_jurisdiction, jurisdiction_of
from triage.understand import (
    Reading,
    find,
    longest,
    option_facts,
    past_safety_kind,
    place,
    read,
    speaks_as_patient,
)
from triage.vocabulary import clean, fold

# the requester value of a personal representative (executor, power of attorney,
# a minor's parent): treated as the patient, and asked for proof
REPRESENTATIVE_VALUE = "representative"
WASHINGTON_PARTS = ("sw_washington", "western_washington", "eastern_washington")
FACT_FIELDS = ("record_kind", "imaging_kind", "recipient", "requester", "leave_program", "leave_type", "region")
JOINTS = (
    " and also ",
    " also ",
    " and i ",
    " plus ",
    " as well as ",
    " and my ",
    " and a ",
    " and to ",
    " and ",
    " then ",
    # Spanish
    " y tambien ",
    " tambien ",
    " y tmb ",
    " tmb ",
    " ademas ",
    " y luego ",
    " y ",
)
# words that point back to records named before ("... my records, put them in my chart"):
# the records are what is to be added, not a second request
BACK_REFERENCE = re.compile(r"\b(them|those|these|it|los|las|esos|esas|estos|estas|lo)\b")
# papers added to the chart that are not the records named before them
OWN_PAPER = re.compile(
    r"\b(advance directive|living will|power of attorney|polst|directiva|directivas|testamento vital|"
    r"poder notarial|voluntad anticipada)\b"
)
SMALL_TALK = ("greet", "goodbye", "thank", "affirm", "deny")
# the law's answer for a time or a cost asked in words
LAW_ASKS = {"time": "ask_records_deadline", "cost": "ask_records_fees"}
# A department named alone gets the answer of its most common request.
REPRESENTATIVE = {
    "roi": ("records", {"record_kind": "full_record"}),
    "imaging": ("imaging", {"imaging_kind": "xray"}),
    "clinical_team": ("clinician_form", {}),
    "leave_form": ("leave_certification", {}),
    "self_service": ("records", {"record_kind": "test_results"}),
    "medical_records": ("add_to_chart", {}),
}
CONTACT_KINDS = {"phone": "phone", "email": "email", "fax": "fax", "mail": "mail"}
NLU_SURE = 0.6  # an NLU request intent at or above this is trusted when words agree or are silent
NLU_ALONE = 0.8  # an intent no word of ours backs needs this much
NLU_CERTAIN = 0.95  # ... and at or above this, also over words that name another request
FAQ_SURE = 0.55  # nearest route question: answered before a detail question
FAQ_MAYBE = 0.38  # answered when nothing more specific applies
FAQ_NEW_REQUEST = 0.6  # a message that starts another request gets that request's answer
FAQ_CONTEXT = 0.25  # an unclear message with a route in context: its nearest question
ROUTE_BONUS = 0.05  # ranking edge of a route question written for the route itself
# the route question that says where a department's forms go instead of ROI or the clinic
WRONG_OFFICE = {"clinical_team": "not_to_roi", "leave_form": "leave_no_paper_form"}


@dataclass(frozen=True)
class State:
    """What the conversation holds (the slots the step reads)."""

    request: Optional[str] = None
    route: Optional[str] = None
    department: Optional[str] = None
    pending: Optional[str] = None
    repeated: bool = False
    second: Optional[str] = None  # the other request of a two-request message
    facts: Dict[str, str] = field(default_factory=dict)
    language: Optional[str] = None  # en / es; None until known (answers in English)
    language_locked: bool = False  # the person chose the language (triage.language)

    @classmethod
    def from_slots(cls, slot: Callable[[str], Any], facts: Optional[Dict[str, str]] = None) -> "State":
        """The state from the slots (``slot(name)`` reads one); ``facts`` default to
        the fact slots' values."""
        if facts is None:
            facts = {name: slot(name) for name in FACT_FIELDS if slot(name)}
        return cls(
            request=slot("request_type"),
            route=slot("route"),
            department=slot("department"),
            pending=slot("pending_question"),
            repeated=bool(slot("question_repeated")),
            second=slot("second_request"),
            facts=facts,
            language=slot("language"),
            language_locked=bool(slot("language_locked")),
        )


@dataclass(frozen=True)
class Said:
    """What Rasa's NLU understood of the new message."""

    text: str
    intent: Optional[str] = None
    confidence: float = 0.0
    facts: Dict[str, str] = field(default_factory=dict)  # canonical entity values


@dataclass
class Outcome:
    replies: List[Reply] = field(default_factory=list)
    slots: Dict[str, Any] = field(default_factory=dict)
    delegate: Optional[str] = None  # the intent whose own handler answers instead
    kind: str = ""  # what answered (for tests and analytics)


def fill(render: Renderer, conversation: ConversationContent, text: Text) -> str:
    """A conversation.yml text filled by the renderer, with the national numbers."""
    return render.fill(text, tables={"number": {k: n.value for k, n in conversation.numbers.items()}})


def for_place(render: Renderer, conversation: ConversationContent, text: Text, place: Optional[str]) -> str:
    """A content answer for someone in ``place``: as written, unless it sends them to
    another region's office; then what that region's ROI says to do instead."""
    content = render.content
    region = region_of(content, place)
    refs = {ref for _, ref in PLACEHOLDER.findall(text.get(render.language) or "")}
    if refs & home_only_contacts(content, region) and content.regions[region].roi_steps:
        return " ".join(fill(render, conversation, step) for step in content.regions[region].roi_steps)
    return fill(render, conversation, text)


# -- route questions (FAQ) ---------------------------------------------------------

_FAQ_INDEXES: Dict[Tuple[int, bool], Any] = {}


def _faq_index(conversation: ConversationContent, language: str = "en"):
    """The fitted TF-IDF index of the route questions (built once per content object
    and language: a Spanish conversation's messages are also matched with the
    Spanish questions, an English one's only with the English)."""
    key = (id(conversation), language == "es")
    if key not in _FAQ_INDEXES:
        if any(k[0] != id(conversation) for k in _FAQ_INDEXES):
            _FAQ_INDEXES.clear()
        _FAQ_INDEXES[key] = (conversation, _build_faq_index(conversation, language == "es"))
    return _FAQ_INDEXES[key][1]


def _build_faq_index(conversation: ConversationContent, spanish: bool = False):
    from sklearn.feature_extraction.text import TfidfVectorizer

    keys, texts = [], []
    for key, faq in conversation.faq.items():
        for question in faq.questions + (faq.questions_es if spanish else []):
            keys.append(key)
            texts.append(fold(question))
    # Two views of the same questions: words (what is asked) and character n-grams
    # (typos, "e-sign" vs "esign"); a message must be near in both.
    words = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True).fit(texts)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True).fit(texts)
    return keys, (words, chars), (words.transform(texts), chars.transform(texts))


SENTENCE_END = re.compile(r"(?<=[.?!;])\s+")


def faq_scores(conversation: ConversationContent, text: str, language: str = "en") -> List[Tuple[str, float]]:
    """(route question key, score) for every example question: the mean cosine of
    word and character n-gram TF-IDF."""
    keys, (words, chars), (word_matrix, char_matrix) = _faq_index(conversation, language)
    query = fold(text)
    # each sentence of a longer message is scored too ("ok I'll call 988 tonight. can
    # you still tell me where the finished form shows up?"): the best one counts
    sentences = [part for part in SENTENCE_END.split(query) if len(part.split()) >= 3]
    queries = [query] + (sentences if len(sentences) > 1 else [])
    scores = (
        (word_matrix @ words.transform(queries).T).toarray() + (char_matrix @ chars.transform(queries).T).toarray()
    ) / 2
    return list(zip(keys, (float(x) for x in scores.max(axis=1))))


def nearest_faq(
    conversation: ConversationContent,
    text: str,
    targets: Sequence[str],
    scores: Optional[List[Tuple[str, float]]] = None,
) -> Tuple[Optional[str], float]:
    """The route question nearest to ``text`` among those for ``targets``, with its
    score; ``scores`` are ``faq_scores`` of the text when already computed."""
    if not targets or not text:
        return None, 0.0
    best: Tuple[Optional[str], float] = (None, 0.0)
    cleaned = None
    routes = set(targets) - set(REPRESENTATIVE)  # route ids, not department names
    ranked: Tuple[Optional[str], float] = (None, 0.0)
    for key, score in scores if scores is not None else faq_scores(conversation, text):
        faq = conversation.faq[key]
        # a question written for the route beats the same question for its whole
        # department ("what if they say no" about a correction, not a copy)
        rank = score + (ROUTE_BONUS if routes & set(faq.for_) else 0.0)
        if rank > ranked[1] and set(faq.for_) & set(targets):
            if faq.needs:
                cleaned = clean(text) if cleaned is None else cleaned
                if not find(faq.needs, cleaned):
                    continue  # "all of it, everything since 2019" is not about a child's chart
            ranked, best = (key, rank), (key, score)
    return best


# -- answers -------------------------------------------------------------------------


def _facts(request: str, values: Dict[str, str]) -> Facts:
    return Facts(request=request, **{k: v for k, v in values.items() if k in FACT_FIELDS and v})


def _department_of_question(question: Question, content: Content) -> Optional[str]:
    """The department when every option of the question leads to the same one."""
    spec = content.messages.questions[question.slot]
    departments = set()
    for option in spec.options:
        decision = triage(replace(question.facts, **option.facts), content)
        departments.add(decision.department if isinstance(decision, Route) else None)
    return departments.pop() if len(departments) == 1 else None


def fact_slots(facts: Facts) -> Dict[str, Any]:
    return {"request_type": facts.request, **{name: getattr(facts, name) for name in FACT_FIELDS}}


def answer_requests(
    content: Content,
    render: Renderer,
    requests: Sequence[str],
    values: Dict[str, str],
    note: Optional[str] = None,
    second_values: Optional[Dict[str, str]] = None,
) -> Outcome:
    """Decide and answer the first request (it sets the state) and a second one.
    ``note`` is a line added after the first answer (e.g. what proof to send);
    ``second_values`` are the second request's own facts (default: the same)."""
    first = _facts(requests[0], values)
    decision = triage(first, content)
    slots = fact_slots(first)
    slots["question_repeated"] = False
    slots["second_request"] = requests[1] if len(requests) > 1 else None
    replies: List[Reply] = []
    if isinstance(decision, Route):
        replies += render.route(decision)
        if note and decision.department == "roi":
            replies.append(Reply(note))
        slots.update(department=decision.department, route=decision.route_id, pending_question=None)
    elif isinstance(decision, Question):
        replies.append(render.question(decision))
        slots.update(department=_department_of_question(decision, content), route=None, pending_question=decision.slot)
    for extra in requests[1:2]:
        extra_decision = triage(_facts(extra, values if second_values is None else second_values), content)
        replies.append(render.also())
        if isinstance(extra_decision, Route):
            replies += render.route(extra_decision)
        elif isinstance(extra_decision, Question):
            replies.append(render.question(extra_decision, intent=INTENT_FOR_REQUEST[extra]))
    return Outcome(replies, slots, kind="request")


ALWAYS_RESENT = ("department_card", "steps", "contacts")


def only_what_changed(content: Content, render: Renderer, state: State, outcome: Outcome) -> Outcome:
    """A corrected answer ("no, I live in Yakima") without the parts that read the
    same as the answer already given: the department line, the steps and the
    contacts, then whatever else is new (the checklist, time and cost only when
    they changed)."""
    if not (state.request and state.route):
        return outcome
    before = _route_for(content, state.request, _state_values(state))
    if before is None:
        return outcome
    old = {(r.part, r.text) for r in render.route(before)}
    kept = [r for r in outcome.replies if r.part in ALWAYS_RESENT or (r.part, r.text) not in old]
    outcome.replies = kept
    return outcome


def _route_for(content: Content, request: str, values: Dict[str, str]) -> Optional[Route]:
    decision = triage(_facts(request, values), content)
    return decision if isinstance(decision, Route) else None


def detail(
    content: Content, conversation: ConversationContent, render: Renderer, route: Route, asks: Sequence[str]
) -> List[Reply]:
    """Only the details asked for, about ``route``."""
    lines: List[str] = []
    for ask in asks:
        if ask in CONTACT_KINDS:
            chosen = [c for c in route.contacts if content.contacts[c].kind == CONTACT_KINDS[ask]]
            if not chosen and ask == "fax" and route.department == "roi":
                lines.append(fill(render, conversation, conversation.faq["fax_roi"].answer))
                continue
            if not chosen and route.regional:  # another region's ROI: the ways they can be reached
                lines.append(render.contacts_text(route))
                continue
            if ask == "mail" and route.department == "roi":
                chosen = ["roi_email", "roi_mail"] if "roi_email" in route.contacts or not chosen else chosen
            if not chosen and ask == "mail" and route.department == "medical_records":
                chosen = ["medical_records_mail"]
            lines += [render.contact_line(c) for c in chosen] or [render.contacts_text(route)]
        else:
            topic = {"phone": "contact", "hours": "hours", "cost": "cost", "time": "time", "include": "include"}[ask]
            lines.append(render.followup(topic, route).text)
    unique = list(dict.fromkeys(line for line in lines if line))
    name = render.department_name(route.department) if route.department else None
    head = f"{name[0].upper()}{name[1:]}:" if name else None
    text = "\n".join(([head] if head and len(unique) == 1 and ":" not in unique[0][:40] else []) + unique)
    return [Reply(text)]


def _after_death(values: Dict[str, str]) -> Dict[str, str]:
    """The facts for a patient who died: a personal representative (executor) asks,
    and what the portal would show comes from ROI (nobody can log in for them)."""
    facts = {"requester": REPRESENTATIVE_VALUE}
    if values.get("record_kind") in PORTAL_RECORD_KINDS or not values.get("record_kind"):
        facts["record_kind"] = "full_record"
    return facts


def _without(facts: Dict[str, str], key: str) -> Dict[str, str]:
    return {k: v for k, v in facts.items() if k != key}


def _state_values(state: State) -> Dict[str, str]:
    return {k: v for k, v in state.facts.items() if v}


def _new_request_values(state: State, said: Said, reading: Reading) -> Dict[str, str]:
    """Facts of a new request: this message's, plus the place already given."""
    values = {**said.facts, **reading.facts}
    if "region" not in values and state.facts.get("region"):
        values["region"] = state.facts["region"]
    return values


def _records_default(
    values: Dict[str, str], reading: Reading, conversation: Optional[ConversationContent] = None
) -> Dict[str, str]:
    """Records with no kind and nobody else named: ROI's detailed copy (a clerk's
    answer), or the portal when the message names it. Records a person can download
    for an employer or a school ("proof of my shots for my new job") stay the
    portal's unless the message asks us to send them."""
    if (
        conversation is not None
        and values.get("record_kind") in PORTAL_RECORD_KINDS
        and values.get("recipient") in ("employer", "family", "someone_else", "clinician", "dentist", "eye_doctor")
        and not find(conversation.send_markers, reading.text)
    ):
        return {k: v for k, v in values.items() if k != "recipient"}
    if values.get("record_kind") or values.get("recipient") or values.get("requester") == "proxy":
        return values
    kind = "test_results" if "self_service" in reading.departments else "full_record"
    return {**values, "record_kind": kind}


def split_facts(
    content: Content, conversation: ConversationContent, reading: Reading, requests: Sequence[str]
) -> Optional[Tuple[Dict[str, str], Dict[str, str]]]:
    """Each request's own facts when a message names two ("my shot record, and my
    dental x-rays for my new dentist": the dentist is the x-rays' recipient): the
    text is cut at the joint before the later-named request and each part is read
    on its own. None when the two are not both named in the text."""
    if len(requests) < 2 or any(r not in reading.positions for r in requests[:2]):
        return None
    first_at, second_at = sorted(reading.positions[r] for r in requests[:2])
    if first_at == second_at:
        return None
    between = reading.text[first_at:second_at]
    cuts = [between.rfind(joint) for joint in JOINTS if joint in between]
    cut = first_at + (max(cuts) if cuts else len(between))
    parts = [read(content, conversation, reading.text[:cut]), read(content, conversation, reading.text[cut:])]
    if reading.positions[requests[0]] > reading.positions[requests[1]]:
        parts.reverse()
    region = {"region": reading.facts["region"]} if reading.facts.get("region") else {}
    return ({**parts[0].facts, **region}, {**parts[1].facts, **region})


def _with_nlu_kinds(values: Dict[str, str], request: str, said: Said) -> Dict[str, str]:
    """A request's own facts, plus the kind of record or image NLU found when the
    words found none (NLU's facts have no position, so only the kind that fits
    this request is taken)."""
    slot = {"records": "record_kind", "imaging": "imaging_kind"}.get(request)
    if slot and slot not in values and said.facts.get(slot):
        return {**values, slot: said.facts[slot]}
    return values


def pick_requests(said: Said, reading: Reading, needs_words: Sequence[str] = ()) -> List[str]:
    """The requests of this message, first the one it is mostly about.

    NLU's intent is trusted when the words agree or name nothing; words that name
    another request win over a less-than-certain intent. "records" is the weakest
    word: a specific request comes first, unless records were named first and
    apart ("send my records to my lawyer, and also ...")."""
    nlu = REQUEST_INTENTS.get(said.intent or "")
    words = [r for r in reading.requests if r in REQUESTS]
    if nlu in needs_words and nlu not in words:
        nlu = None  # NLU alone does not name this request
    specific = [r for r in words if r != "records"]
    if "records" in words and specific:
        # records named apart ("my records to my lawyer, and also my MRI") are a request
        # of their own, in the order named; else they are part of the specific one
        # ("my MRI records", "records for my disability form")
        records_at = reading.positions.get("records", 0)
        first_specific = min(reading.positions.get(r, 0) for r in specific)
        between = reading.text[min(records_at, first_specific) : max(records_at, first_specific)]
        apart = any(joint in between for joint in JOINTS)
        if apart and "add_to_chart" in specific and records_at < reading.positions["add_to_chart"]:
            at = reading.positions["add_to_chart"]
            # "... my records, put them in my chart", "mis estudios ... quiero que queden en
            # mi expediente": the records are the papers to add, unless another paper is named
            apart = not BACK_REFERENCE.search(reading.text[max(at - 12, 0) : at + 24]) and bool(
                OWN_PAPER.search(reading.text[records_at:])
            )
        if "record_correction" in specific:
            apart = False  # "my chart says I'm allergic to penicillin and it's not true, fix it": the chart to fix
        words = words if apart else specific
    if nlu and said.confidence >= NLU_SURE:
        if nlu in words:
            ordered = words
        elif not words:
            if said.confidence < NLU_ALONE:
                return []  # no word of ours backs it: not sure enough to name a department
            ordered = [nlu]
        elif said.confidence >= NLU_CERTAIN:
            # "records" alone is part of the certain request ("my chart says I smoke");
            # other requests named in words come first, in the order named
            ordered = [nlu] if words == ["records"] else words + [nlu]
        else:
            ordered = words  # the words name another request: an unsure intent adds none
    elif words:
        ordered = words
    else:
        return []
    ordered = list(dict.fromkeys(ordered))
    if "provider_fax" in ordered and ("fax" not in reading.asks or "provider_fax" not in words):
        # an outside office asking for a patient's chart, with no fax in sight: records
        ordered = ["records" if r == "provider_fax" else r for r in ordered]
    return list(dict.fromkeys(ordered))[:2]


def _definition_words(content: Content, key: str) -> List[str]:
    """The words that name a definition, one per language: its term's first word,
    or, when other terms start with the same word ("licencia continua", "licencia
    intermitente"), the word after it if that one is long enough to be its own."""
    words = []
    for language in ("en", "es"):
        firsts = {clean(d.term.get(language)).split()[0] for k, d in content.definitions.items() if k != key}
        term = clean(content.definitions[key].term.get(language)).split()
        if term[0] not in firsts:
            words.append(term[0])
        elif len(term) > 1 and len(term[1]) > 4:
            words.append(term[1])
    return list(dict.fromkeys(words))


def step(content: Content, conversation: ConversationContent, render: Renderer, state: State, said: Said) -> Outcome:
    """The replies and the slots to set for what was said, given the state.

    The conversation's language is settled first (``triage.language``): the answer
    to this message is already in the language it sets."""
    text = said.text or ""
    decision = decide(state.language, state.language_locked, text) if not text.startswith("/") else None
    language_slots: Dict[str, Any] = {}
    if decision and (decision.changed or decision.chose):
        language_slots = {"language": decision.language, "language_locked": state.language_locked or decision.chose}
        if decision.language and decision.language != render.language:
            render = Renderer(content, decision.language)
    if decision and decision.chose and decision.language:
        confirm = load_language_words().confirm[decision.language]
        return Outcome([Reply(confirm)], language_slots, kind="language")
    outcome = _step(content, conversation, render, state, said)
    for name, value in language_slots.items():
        outcome.slots.setdefault(name, value)
    if (
        state.route in content.routes
        and not state.department
        and "department" not in outcome.slots
        and outcome.kind.split(":")[0] in ("context_contacts", "detail", "faq", "more_facts", "representative")
    ):
        # back to the request in context after a safety answer left no department
        outcome.slots["department"] = content.routes[state.route].department
    if not text.startswith("/") and not outcome.kind.startswith("safety"):
        # a state named on the way ("I'm in California") answers "which state?" before it is asked
        named = detect_jurisdiction(content, text)
        if named and "jurisdiction" not in outcome.slots:
            outcome.slots["jurisdiction"] = named
        # a place named on the way ("I live in Seattle") is kept for the answers to come
        if "region" not in outcome.slots and not outcome.delegate:
            where = place(content, conversation, clean(text))
            if where == "washington" and state.facts.get("region") in WASHINGTON_PARTS:
                where = None
            if where and where != state.facts.get("region"):
                outcome.slots["region"] = where
        note = free_copy_lines(content, conversation, render, state, said, outcome)
        if note and outcome.replies:
            outcome.replies = [*outcome.replies, Reply("\n".join(note))]
        past = past_safety_kind(conversation, clean(text))
        help_note = conversation.safety[past].past_reply if past else None
        if help_note and outcome.replies:
            outcome.replies = [*outcome.replies, Reply(fill(render, conversation, help_note))]
    return outcome


def free_copy_lines(
    content: Content, conversation: ConversationContent, render: Renderer, state: State, said: Said, outcome: Outcome
) -> List[str]:
    """A price question about copies needed for a purpose the law makes free ("I need
    them for my Social Security disability appeal, do I have to pay?"): the state's
    free-copy rule, or each state's rule with its name when the state is not known."""
    text = clean(said.text or "")
    if not find(conversation.asks["cost"], text):
        return []
    purpose = said.facts.get("copy_purpose") or longest(content.vocabulary.get("copy_purpose", {}), text)
    if purpose is None and find(conversation.copy_markers, text):
        program = said.facts.get("leave_program") or longest(content.vocabulary.get("leave_program", {}), text)
        if (program or state.facts.get("leave_program")) in PAID_LEAVE_PROGRAMS:
            purpose = "paid_leave"
    if purpose is None:
        return []
    # the region, else the state this message names (step() has just put it in the slots)
    facts = {**state.facts, **{k: v for k, v in outcome.slots.items() if isinstance(v, str)}}
    where = jurisdiction_of(content, region=facts.get("region"), jurisdiction=facts.get("jurisdiction"))
    where = where or facts.get("jurisdiction")
    phrases = content.rights.phrases
    if where is not None:
        if purpose not in FREE_PURPOSES.get(where, set()):
            return []
        name = content.rights.jurisdictions[where].short.get(render.language)
        reason = render.fill(answer(content, "free_copies", where).text)
        return [render.fill(phrases["fee_free_state"], state=name, reason=reason)]
    return [
        render.fill(
            phrases["fee_free_if_state"],
            state=content.rights.jurisdictions[state_key].short.get(render.language),
            reason=render.fill(answer(content, "free_copies", state_key).text),
        )
        for state_key, purposes in FREE_PURPOSES.items()
        if purpose in purposes
    ]


def _step(content: Content, conversation: ConversationContent, render: Renderer, state: State, said: Said) -> Outcome:
    text = said.text or ""
    if text.startswith("/"):
        return Outcome(delegate=said.intent, kind="button")
    reading = read(content, conversation, text)
    if reading.facts.get("region") == "washington" and state.facts.get("region") in WASHINGTON_PARTS:
        # "but I'm in Washington" after Vancouver or Spokane: the part already known stays
        reading = replace(reading, facts=_without(reading.facts, "region"))
    if said.facts.get("requester") == "proxy" and speaks_as_patient(conversation, reading.text):
        # a personal representative (power of attorney, executor...) is treated as
        # the patient: NLU's "proxy" goes, as read() drops its own
        said = replace(said, facts=_without(said.facts, "requester"))
    if (
        state.request
        and reading.question
        and "proxy" in (reading.facts.get("requester"), said.facts.get("requester"))
        and not find(conversation.relatives, reading.text)
    ):
        # "is there a cheaper way for her?" asked about the answer in context: a
        # pronoun does not make it someone else's records (an agent speaks of the caller)
        reading = replace(reading, facts=_without(reading.facts, "requester"))
        said = replace(said, facts=_without(said.facts, "requester"))
    memo: List[List[Tuple[str, float]]] = []

    def scored() -> List[Tuple[str, float]]:
        """The route-question scores of this message, computed at most once."""
        if not memo:
            memo.append(faq_scores(conversation, text, render.language))
        return memo[0]

    if (
        said.intent in ("goodbye", "thank")
        and reading.words >= 4
        and not find(conversation.closing_words, reading.text)
    ):
        # "the neurologist is at OHSU, I have his card" is no goodbye, whatever NLU says
        said = replace(said, intent="nlu_fallback", confidence=0.0)
    if (
        said.intent in ("affirm", "deny")
        and state.route
        and not state.pending
        and (
            (reading.question and reading.words >= 3)
            or nearest_faq(conversation, text, [t for t in (state.route, state.department) if t], scored())[1]
            >= FAQ_MAYBE
        )
    ):
        # no yes or no: "y si no aparece nada ahi?" ("si" is "if"), "she can't use a
        # computer, me neither" about the answer in context
        said = replace(said, intent=None, confidence=0.0)

    # 2. safety first
    if reading.safety:
        # one more safety answer when the message names another kind now ("he choked
        # me and I can't breathe": 911, then the abuse hotline); one only, to stay short
        kinds = [reading.safety, *reading.more_safety[:1]]
        return Outcome(
            [Reply(fill(render, conversation, conversation.safety[kind].reply), part="safety") for kind in kinds],
            # no department now; the request in context stays for when they come back to it
            {"department": None, "pending_question": None, "question_repeated": False},
            kind=f"safety:{reading.safety}",
        )

    # 3. a typed answer to our open question
    if state.pending and state.request:
        picked = option_facts(content, conversation, state.pending, text)
        if picked:
            values = {**_state_values(state), **said.facts, **reading.facts, **picked}
            outcome = answer_requests(content, render, [state.request], values)
            outcome.kind = "answer"
            return outcome

    # 4. neighbours
    booking = (
        reading.neighbour in ("appointments", "scan_booking")
        and bool(find(conversation.booking_markers, reading.text))
        and not find(conversation.copy_markers, reading.text)
    )
    # "I got a bill for my x-ray, who do I pay?": a bill, unless copies are asked for too
    billing = reading.neighbour == "billing" and not find(conversation.copy_markers, reading.text)
    about_context = (
        bool(state.route)
        and nearest_faq(conversation, text, [t for t in (state.route, state.department) if t], scored())[1] >= FAQ_MAYBE
    )
    # "my A1C says 6.1 on the portal, is that bad?": what a result means is for the care team
    result_meaning = reading.neighbour == "results_meaning" and reading.facts.get("record_kind") == "test_results"
    # a bill or a booking named outright is theirs, even in a records conversation
    # ("also I have a kaiser bill I don't understand")
    # "I moved, now I'm in Everett and get care there" in a records conversation: a
    # place for the request in context, not a change of address
    new_place = reading.neighbour == "membership" and bool(state.request) and "region" in reading.facts
    if reading.neighbour and (
        booking
        or billing
        or (
            not about_context
            and not new_place
            and (result_meaning or reading.neighbour == "scan_booking" or not (reading.requests or reading.departments))
        )
    ):
        reply = fill(render, conversation, conversation.neighbours[reading.neighbour].reply)
        return Outcome(
            [Reply(reply, part="pointer")],
            {"department": None, "route": None, "pending_question": None},
            kind=f"neighbour:{reading.neighbour}",
        )

    # 5. a correction of what was said
    # "I want YOUR records sent"; "no, the other way round: Kaiser sends my records to my new doctor"
    records_meant = (said.intent == "request_records" and said.confidence >= NLU_SURE) or (
        state.request != "records"
        and bool(reading.facts.get("recipient"))
        and bool(find(conversation.send_markers, reading.text))
    )
    other = [r for r in reading.requests if r != state.request and (r != "records" or records_meant)]
    if reading.correction and state.request and not other:
        new = {**said.facts, **reading.facts}
        changed = {k: v for k, v in new.items() if v and state.facts.get(k) != v}
        if state.request == "records" and find(conversation.death_words, reading.text):
            # "not mine, my wife's; she died in that hospital stay": her whole record from ROI
            after = _after_death({**_state_values(state), **changed})
            changed.update({k: v for k, v in after.items() if state.facts.get(k) != v})
        if changed:
            values = {**_state_values(state), **changed}
            if changed.get("requester") == "proxy" and values.get("record_kind") == "full_record":
                del values["record_kind"]  # someone else's full record: the permission route
            note = None
            if find(conversation.representative_markers, reading.text):
                note = fill(render, conversation, conversation.faq["proof_of_authority"].answer)
            outcome = only_what_changed(
                content, render, state, answer_requests(content, render, [state.request], values, note)
            )
            outcome.kind = "correction"
            return outcome

    # "my request is late": where to see its status ("My requests"), then ROI, whatever
    # NLU read it as (a status check, ROUTING 2); the law's deadlines when asked
    if (
        find(conversation.overdue_sure, reading.text)
        and find(conversation.overdue_about, reading.text)
        and not find(conversation.overdue_not, reading.text)
        and not find(conversation.law_markers, reading.text)
        and not (set(reading.requests) - {"records", "request_status"})
    ):
        place = reading.facts.get("region") or state.facts.get("region")
        outcome = answer_requests(content, render, ["request_status"], {"region": place} if place else {})
        outcome.kind = "overdue"
        return outcome

    rights = said.intent in RIGHTS_INTENTS and said.confidence >= 0.4
    if rights and said.intent == "report_overdue_request" and not find(conversation.overdue_markers, reading.text):
        rights = False  # "sorry it's late" only for people who said something is late
    # "my late wife's records" is no late request
    marked = re.sub(r"\b(?:my|her|his|their|our|the)\s+late\b", " ", reading.text)
    if rights and not find(conversation.rights_markers, marked):
        rights = False
    if rights and said.intent == "request_records_letter" and not find(conversation.records_markers, reading.text):
        rights = False  # "help me write a cover letter" is not a records-request letter
    # about a correction in context, the law's deadline or a refusal is the correction's
    # ("how long does Washington law give them to fix it?")
    correcting = state.route == "record_correction" and not (set(reading.requests) - {"record_correction"})
    if (
        rights
        and said.intent == "ask_correction_rights"
        and state.route != "record_correction"
        and "record_correction" not in reading.requests
        and reading.requests
        and not find(conversation.correction_markers, reading.text)
    ):
        rights = False  # "a paralegal ... the whole chart for an asylum case, the correct procedure?" fixes nothing
    if rights and (find(conversation.law_markers, reading.text) or not (reading.asks or reading.departments)):
        intent = said.intent or ""
        # which of the law's answers: the words outrank NLU when they ask only one of
        # time or cost ("cuantos dias tienen por ley" is the deadline, not the fees)
        asked_law = {LAW_ASKS[a] for a in reading.asks if a in LAW_ASKS}
        if intent in LAW_ASKS.values() and len(asked_law) == 1 and intent not in asked_law:
            intent = asked_law.pop()
        if correcting and intent in ("ask_records_deadline", "ask_denial_rights", "ask_right_to_records"):
            intent = "ask_correction_rights"
        return Outcome(delegate=intent, kind="rights")
    if (
        not rights
        and state.department == "roi"
        and state.route != "disability_form"
        and reading.question
        and find(conversation.extension_words, reading.text)
        and not (set(reading.requests) - {"leave_change"})  # "extend it" is no leave here
        and not find(conversation.leave_words, reading.text)
    ):
        # "can they extend it?", "what if they need more time?" about a records request
        return Outcome(delegate="ask_correction_rights" if correcting else "ask_records_deadline", kind="rights")
    if (
        not rights
        and (find(conversation.law_named, reading.text) or reading.facts.get("region") == "california")
        and not (set(reading.requests) - {"records"})
    ):
        # "isn't there a law in Washington about how long they get?": the law's answer;
        # "in California how long do they have to give me copies?" too (no Kaiser
        # Permanente region there: only its law answers)
        asked = [LAW_ASKS[a] for a in reading.asks if a in LAW_ASKS]
        if asked:
            return Outcome(delegate="ask_correction_rights" if correcting else asked[0], kind="rights")

    # a definition asked ("what does intermittent mean?"), not a contact, cost or
    # time asked about a named thing ("what's the address for my signed authorization?")
    if find(conversation.definition_markers, reading.text) and (
        not reading.asks or find(conversation.meaning_words, reading.text)
    ):
        named = []
        for key, definition in content.definitions.items():
            for term in _definition_words(content, key):
                if find([term], reading.text):
                    named.append((reading.text.rfind(term), key, definition))
                    break
        if named:
            # "what's the difference between A and B": both; else the last one named
            chosen = sorted(named) if "differen" in reading.text or " vs" in reading.text else [max(named)]
            text_out = "\n".join(f"{d.term.get(render.language)}: {d.text.get(render.language)}" for _, _, d in chosen)
            department = chosen[0][2].department
            slots = {} if state.department or not department else {"department": department}
            return Outcome([Reply(text_out)], slots, kind="definition:" + ",".join(k for _, k, _ in chosen))

    # context: the route in the conversation, and the routes this message names
    context_route = _route_for(content, state.request, _state_values(state)) if state.request and state.route else None
    message_requests = pick_requests(said, reading, conversation.needs_words)
    if reading.correction and len(message_requests) == 2 and state.request in message_requests:
        # "no no, the LTD is over; now my job wants a return-to-work note": a correction
        # naming the request in context and another one means the other one
        message_requests = [r for r in message_requests if r != state.request]
    targets = [t for t in (state.route, state.department) if t]
    second_route = _route_for(content, state.second, _state_values(state)) if state.second else None
    if second_route is not None:  # a question about the other request answered last turn
        targets += [second_route.route_id, second_route.department or ""]
    for request in message_requests[:1]:
        route = _route_for(
            content,
            request,
            _records_default(_new_request_values(state, said, reading), reading, conversation)
            if request == "records"
            else _new_request_values(state, said, reading),
        )
        if route:
            targets += [route.route_id, route.department or ""]
    for department in reading.departments:
        targets.append(department)

    # "I have his power of attorney": a personal representative is treated as the
    # patient; say what proof to send, and the answer in context no longer needs
    # the patient's permission
    if (
        state.request
        and state.facts.get("requester") == "proxy"
        and not message_requests
        and find(conversation.representative_markers, reading.text)
    ):
        proof = fill(render, conversation, conversation.faq["proof_of_authority"].answer)
        facts_now = {"requester": REPRESENTATIVE_VALUE}
        if state.request == "records" and not state.facts.get("record_kind"):
            facts_now["record_kind"] = "full_record"  # the patient's whole record, as the patient would
        acting: Dict[str, Any] = dict(facts_now)
        now = _route_for(content, state.request, {**_state_values(state), **facts_now})
        if now is not None:
            acting.update({"route": now.route_id, "department": now.department})
        return Outcome([Reply(proof)], acting, kind="representative")

    # a fact given about the request in context ("she gets migraines twice a month"):
    # a new route when it changes the answer, else the meaning of that fact; a question
    # that brings such a fact and asks for no detail ("and to stay home with the baby,
    # do I need another certification?") gets the new route too
    if state.request and context_route is not None and not message_requests:
        new = {
            k: v
            for k, v in {**said.facts, **reading.facts}.items()
            if k in FACT_FIELDS and v and state.facts.get(k) != v
        }
        if new and (not reading.question or not reading.asks):
            values = {**_state_values(state), **new}
            changed_route = _route_for(content, state.request, values)
            if changed_route is not None and changed_route.route_id != context_route.route_id:
                outcome = answer_requests(content, render, [state.request], values)
                outcome.kind = "more_facts"
                return outcome
        # the kind of leave told again ("continuous. out 6 wks") is still a fact given
        leave_type = new.get("leave_type") or {**said.facts, **reading.facts}.get("leave_type")
        if not reading.question and (new or leave_type):
            values = {**_state_values(state), **new}
            meaning = content.definitions.get(f"{leave_type}_leave")
            if meaning is not None and (context_route.department == "leave_form" or "leave_type" in new):
                # what that kind of leave is, and what comes next: where the form shows up
                lines = [f"{meaning.term.get(render.language)}: {meaning.text.get(render.language)}"]
                if context_route.spec.time:
                    lines.append(render.followup("time", context_route).text)
                return Outcome([Reply("\n".join(lines))], fact_slots(_facts(state.request, values)), kind="more_facts")

    # "she thinks it's about 200 pages": a page count about ROI's answer is about its price
    if context_route is not None and context_route.department == "roi" and not message_requests:
        if read_pages(text).pages:
            return Outcome(detail(content, conversation, render, context_route, ["cost"]), kind="detail")

    # "do I just mail it to your records office?", "can we fax the DOL form to the
    # clinic?" about a form that never goes there: the answer in context says so
    if (
        context_route is not None
        and context_route.department in WRONG_OFFICE
        and not (set(message_requests) - {state.request, "records"})
        and not any(k in {**said.facts, **reading.facts} for k in ("record_kind", "recipient", "imaging_kind"))
        and (
            "roi" in reading.departments
            or (
                context_route.department == "leave_form"
                and {"fax", "mail", "email"} & set(reading.asks)
                and find(conversation.form_holders, reading.text)
            )
        )
    ):
        return _faq_outcome(
            content, conversation, render, WRONG_OFFICE[context_route.department], state, reading, None, context_route
        )

    # 6. a question about the answer in context
    # the other request of a two-request message answered last turn is not new either
    new_request = bool(message_requests) and message_requests[0] not in (state.request, state.second)
    faq, score = nearest_faq(conversation, text, targets, scored())
    first_faq = None  # a first message that names a request: its answer, then the route question's
    if new_request and not state.request and score >= FAQ_NEW_REQUEST:
        first_faq = faq
    if new_request and (score < FAQ_NEW_REQUEST or not state.request):
        faq, score = None, 0.0
    about_context = faq is not None and bool(set(conversation.faq[faq].for_) & {state.route, state.department})
    if faq and new_request and ((reading.correction and message_requests[0] in reading.requests) or not about_context):
        # "no wait, what I need is my husband's FMLA, can I ask for it for him?" after
        # a CT: the new request's answer, then the question's when it is about that
        # request (as on a first message)
        first_faq = None if about_context else faq
        faq, score = None, 0.0
    if (
        context_route is not None
        and context_route.department in ("roi", "imaging")
        and "include" in reading.asks
        and not new_request
        and (state.facts.get("requester") == REPRESENTATIVE_VALUE or find(conversation.relatives, reading.text))
    ):
        # "what does he need to send?" from an executor, or "I'm her mom, what do I
        # send?": what to include, and the proof of acting for the patient
        proof = fill(render, conversation, conversation.faq["proof_of_authority"].answer)
        replies = detail(content, conversation, render, context_route, ["include"]) + [Reply(proof)]
        return Outcome(replies, kind="detail")
    if faq and score >= FAQ_SURE and not _other_detail(conversation, faq, reading):
        outcome = _faq_outcome(content, conversation, render, faq, state, reading, second_route, context_route)
        uncovered = _uncovered(conversation, faq, reading)
        if uncovered and context_route is not None and not outcome.delegate:
            # "does it cost anything? and what email do I send it to?": the route
            # question's answer, and the detail it does not give
            outcome.replies += detail(content, conversation, render, context_route, uncovered)
        return outcome

    # 7. a direct question for a detail: about a department named, the answer in
    # context, or records; a new request gets its whole answer instead (step 8)
    ours = bool(
        message_requests
        or reading.departments
        or context_route
        or state.department
        or find(conversation.records_markers, reading.text)
    )
    if (
        reading.asks
        and ours
        and len(message_requests) < 2  # two requests named: both get their answer (step 8)
        and first_faq is None  # a route question about the request named: the request's answer and it
        and (reading.question or reading.words <= 6 or reading.departments)
        and (reading.departments or not new_request or _contact_question(reading, said, message_requests))
    ):
        route = _detail_route(content, state, said, reading, message_requests, context_route)
        if route is not None:
            detail_slots: Dict[str, Any] = {
                "department": route.department,
                "route": route.route_id,
                "pending_question": None,
                "question_repeated": False,
                **fact_slots(route.facts),
            }
            return Outcome(detail(content, conversation, render, route, reading.asks), detail_slots, kind="detail")

    if faq and score >= FAQ_MAYBE and reading.question:
        return _faq_outcome(content, conversation, render, faq, state, reading, second_route, context_route)

    # 8. requests
    if message_requests:
        # the request in context named again with nothing new ("she's asking if the
        # written report is enough or should she get the images"): about that answer
        continuing = (
            message_requests == [state.request]
            and context_route is not None
            and not any(k != "region" and k in FACT_FIELDS for k in {**said.facts, **reading.facts})
        )
        if continuing and faq and score >= FAQ_MAYBE and not _other_detail(conversation, faq, reading):
            return _faq_outcome(content, conversation, render, faq, state, reading, second_route, context_route)
        same = state.request in message_requests and state.pending
        values = (
            {**_state_values(state), **said.facts, **reading.facts}
            if same
            else _new_request_values(state, said, reading)
        )
        second_values = None
        split = None if same else split_facts(content, conversation, reading, message_requests)
        if split is not None:
            carried = {"region": values["region"]} if values.get("region") else {}
            values = _with_nlu_kinds({**carried, **split[0]}, message_requests[0], said)
            second_values = _with_nlu_kinds({**carried, **split[1]}, message_requests[1], said)
            if message_requests[1] == "records":
                second_values = _records_default(second_values, reading, conversation)
        if message_requests[0] == "records":
            values = _records_default(values, reading, conversation)
        note = None
        if find(conversation.representative_markers, reading.text):
            note = fill(render, conversation, conversation.faq["proof_of_authority"].answer)
            if message_requests[0] in ("records", "imaging") and values.get("requester") != "proxy":
                values = {**values, "requester": REPRESENTATIVE_VALUE}  # kept for "what do I send?"
            if message_requests[0] == "records" and find(conversation.death_words, reading.text):
                values = {**values, **_after_death(values)}
        outcome = answer_requests(content, render, message_requests, values, note, second_values)
        if first_faq is not None and conversation.faq[first_faq].for_:
            place = reading.facts.get("region") or state.facts.get("region")
            outcome.replies.append(Reply(for_place(render, conversation, conversation.faq[first_faq].answer, place)))
            if conversation.faq[first_faq].department:
                outcome.slots["department"] = conversation.faq[first_faq].department
        return outcome

    # 9. a department named alone
    if reading.departments and said.intent not in SMALL_TALK:
        request, facts = REPRESENTATIVE[reading.departments[0]]
        values = {
            **facts,
            **({"region": state.facts["region"]} if state.facts.get("region") else {}),
            **{k: v for k, v in reading.facts.items() if k == "region"},
        }
        outcome = answer_requests(content, render, [request], values)
        outcome.kind = "department"
        return outcome

    # a place given with a request in context: the same answer for that place; with
    # only a department in context ("ROI fax?" then "we're in Tacoma"), its answer there
    if reading.facts.get("region") and state.request and reading.facts["region"] != state.facts.get("region"):
        values = {**_state_values(state), "region": reading.facts["region"]}
        outcome = only_what_changed(content, render, state, answer_requests(content, render, [state.request], values))
        outcome.kind = "place"
        return outcome
    if reading.facts.get("region") and not state.request and state.department in REPRESENTATIVE:
        request, facts = REPRESENTATIVE[state.department]
        outcome = answer_requests(content, render, [request], {**facts, "region": reading.facts["region"]})
        outcome.kind = "place"
        return outcome

    # 10. our question once more, with the ROI phone; then let it go
    # (only the triage's own questions: the rights answers' state and date questions are theirs)
    if state.pending in content.messages.questions and state.request and said.intent not in SMALL_TALK + RIGHTS_INTENTS:
        if not state.repeated:
            question = render.question(Question(state.pending, _facts(state.request, _state_values(state))))
            again = render.fill(content.messages.followup["no_topic"]).split(". ")[-1]
            return Outcome(
                [Reply(f"{question.text} {again}", question.buttons, part="choices", data=question.data)],
                {"question_repeated": True},
                kind="ask_again",
            )
        return Outcome(
            delegate=said.intent, slots={"pending_question": None, "question_repeated": False}, kind="let_go"
        )

    # an unclear message about the answer in context: the nearest route question,
    # else how to reach that department; never "I can't help"
    unclear = (
        (said.intent not in REQUEST_INTENTS or not message_requests)
        and said.intent not in SMALL_TALK + ("ask_for_human",)
        and not (said.intent in RIGHTS_INTENTS and rights)
    )
    if context_route is not None and unclear:
        # "all of it, everything since 2019" after the records answer: the kind of
        # record (or image) said again, in the words of our own question's options
        kind_slot = {"records": "record_kind", "imaging": "imaging_kind"}.get(state.request or "")
        restated = option_facts(content, conversation, kind_slot, text) if kind_slot else None
        if restated and state.request:
            outcome = answer_requests(content, render, [state.request], {**_state_values(state), **restated})
            outcome.kind = "restated"
            if outcome.slots.get("route") == state.route:  # the same answer: its card and contacts only
                outcome.replies = [r for r in outcome.replies if r.part in ("department_card", "contacts")]
            return outcome
        if faq and score >= FAQ_CONTEXT and not _other_detail(conversation, faq, reading):
            return _faq_outcome(content, conversation, render, faq, state, reading, second_route, context_route)
        return Outcome([Reply(render.contacts_text(context_route), part="contacts")], kind="context_contacts")
    if said.intent in RIGHTS_INTENTS and not rights:
        return Outcome(delegate="nlu_fallback", kind="intent")
    if said.intent in REQUEST_INTENTS and not message_requests:
        # a request intent that no word of ours backs, and NLU not sure: no guessed department
        return Outcome(delegate="nlu_fallback", kind="unsure")
    return Outcome(delegate=said.intent, kind="intent")


def _contact_question(reading: Reading, said: Said, message_requests: List[str]) -> bool:
    """A question for a contact of the records office in a place, with records named
    and nothing more ("what's the fax for records in Spokane?", "cual es el fax de
    records en spokane?"): the contact it asks for, like "the fax for ROI" gets,
    not the whole records answer. Without a place, the whole answer (measured: the
    contact alone cost a blind English fact question)."""
    return (
        message_requests == ["records"]
        and bool(reading.facts.get("region"))
        and reading.question
        and bool(reading.asks)
        and set(reading.asks) <= set(CONTACT_KINDS) | {"hours"}
        and not any(k != "region" and k in FACT_FIELDS for k in {**said.facts, **reading.facts})
    )


def _other_detail(conversation: ConversationContent, key: str, reading: Reading) -> bool:
    """The message asks for a detail (cost, phone...) that none of the route
    question's example questions asks: "do I have to pay for it" is not "do I have
    to come in", however alike they look."""
    if not reading.asks:
        return False
    return len(_uncovered(conversation, key, reading)) == len(reading.asks)


def _uncovered(conversation: ConversationContent, key: str, reading: Reading) -> List[str]:
    """The message's asks that none of the route question's example questions asks."""
    questions = [clean(q) for q in conversation.faq[key].questions]
    return [ask for ask in reading.asks if not any(find(conversation.asks[ask], q) for q in questions)]


def _detail_route(
    content: Content,
    state: State,
    said: Said,
    reading: Reading,
    requests: Sequence[str],
    context_route: Optional[Route],
) -> Optional[Route]:
    """The route whose detail is asked: a department named, a request named, the
    route in context, or ROI's when nothing else says (records questions)."""
    region = reading.facts.get("region") or state.facts.get("region")
    place = {"region": region} if region else {}
    if reading.departments:
        department = reading.departments[0]
        if context_route is not None and context_route.department == department and not reading.facts.get("region"):
            return context_route
        request, facts = REPRESENTATIVE[department]
        return _route_for(content, request, {**facts, **place})
    if requests:
        values = _new_request_values(state, said, reading)
        if requests[0] == "records":
            values = _records_default(values, reading)
        route = _route_for(content, requests[0], values)
        if route is not None:
            return route
        if requests[0] == "imaging":
            return _route_for(content, "imaging", {"imaging_kind": "xray", **place})
    if context_route is not None:
        changed = {k: v for k, v in reading.facts.items() if state.facts.get(k) != v}
        if changed:  # "does it cost anything to send them to the doctor?": about that route
            return _route_for(content, state.request or "records", {**_state_values(state), **changed}) or context_route
        return context_route
    if state.department in REPRESENTATIVE:
        request, facts = REPRESENTATIVE[state.department]
        return _route_for(content, request, {**facts, **place})
    request, facts = REPRESENTATIVE["roi"]
    return _route_for(content, request, {**facts, **place})


def _faq_outcome(
    content: Content,
    conversation: ConversationContent,
    render: Renderer,
    key: str,
    state: State,
    reading: Reading,
    second_route: Optional[Route] = None,
    context: Optional[Route] = None,
) -> Outcome:
    """The answer to route question ``key``; ``context`` is the route in the
    conversation (the step's ``context_route``)."""
    text = for_place(
        render, conversation, conversation.faq[key].answer, reading.facts.get("region") or state.facts.get("region")
    )
    slots: Dict[str, Any] = {}
    faq = conversation.faq[key]
    about = set(faq.for_)
    if (
        second_route is not None
        and not about & {state.route, state.department}
        and about & {second_route.route_id, second_route.department}
    ):
        # a question about the other request of a two-request message ("he can sign
        # things fine" after the housing form and his hospital records): it is now the topic
        slots.update(
            department=second_route.department,
            route=second_route.route_id,
            request_type=state.second,
            second_request=state.request,
        )
    elif faq.facts and state.request:
        # "it's not on there" about kp.org: the request is now a detailed copy from ROI
        values = {**_state_values(state), **faq.facts}
        now = _route_for(content, state.request, values)
        if now is not None:
            slots.update(fact_slots(now.facts), department=now.department, route=now.route_id)
    elif faq.department:
        slots["department"] = faq.department
        if not state.request:  # the conversation is now about the route the answer is for
            for request, route_id in DIRECT_ROUTES.items():
                if route_id in faq.for_ and content.routes[route_id].department == faq.department:
                    slots.update(request_type=request, route=route_id)
                    break
    elif not state.department:
        targets = [t for t in conversation.faq[key].for_ if t in REPRESENTATIVE]
        named = [d for d in reading.departments if d in targets] or targets or list(reading.departments)
        if named:
            slots["department"] = named[0]
    if context is not None and context.department == "imaging" and about & {context.route_id, "imaging"}:
        # "so what do I ask them for, just the report?": the answer, and whom to ask
        phones = [c for c in context.contacts if content.contacts[c].kind == "phone"]
        if phones and content.contacts[phones[0]].value not in text:
            text = f"{text}\n{render.contact_line(phones[0])}"
    return Outcome([Reply(text)], slots, kind=f"faq:{key}")
