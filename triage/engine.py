"""The triage decision: which department, which route, which contacts.

A pure function of the gathered facts and the content files. No Rasa imports:
Rasa collects the facts, custom actions call :func:`triage` and render the result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional, Tuple, Union

from triage.content_schema import PLACEHOLDER, Content, RouteSpec, Text

# Request types (set from the intent) and the intent that names each.
REQUEST_INTENTS = {
    "request_records": "records",
    "request_imaging": "imaging",
    "request_leave_certification": "leave_certification",
    "request_leave_change": "leave_change",
    "request_disability_form": "disability_form",
    "request_work_note": "work_note",
    "request_ada_accommodation": "ada_accommodation",
    "request_clinician_form": "clinician_form",
    "request_add_to_chart": "add_to_chart",
    "request_record_correction": "record_correction",
    "check_request_status": "request_status",
    "ask_provider_fax": "provider_fax",
}
REQUESTS = tuple(REQUEST_INTENTS.values())
INTENT_FOR_REQUEST = {request: intent for intent, request in REQUEST_INTENTS.items()}

# Request types that map straight to one route, whatever else is known.
DIRECT_ROUTES = {
    "leave_change": "leave_change",
    "disability_form": "disability_form",
    "work_note": "work_note",
    "ada_accommodation": "ada_accommodation",
    "clinician_form": "clinician_form",
    "add_to_chart": "add_to_chart",
    "record_correction": "record_correction",
    "request_status": "request_status",
    "provider_fax": "provider_fax",
}

PORTAL_RECORD_KINDS = {"immunizations", "test_results", "visit_summaries", "hospital_records", "health_summary"}
CLINICIAN_RECIPIENTS = {"clinician", "dentist", "eye_doctor"}
THIRD_PARTY_RECIPIENTS = {"family", "lawyer", "insurer", "employer", "someone_else"}
ROI_IMAGING_KINDS = {"dental", "eye"}
RECIPIENT_IMAGING_KIND = {"dentist": "dental", "eye_doctor": "eye"}
# Image kinds a dentist's or eye doctor's request turns into their own kind.
IMPLIED_KIND_OVERRIDES = {"dental": {None, "xray"}, "eye": {None, "other_scan"}}


@dataclass(frozen=True)
class Facts:
    """What is known about the request. All values are canonical (vocabulary.yml keys)."""

    request: Optional[str] = None
    record_kind: Optional[str] = None
    imaging_kind: Optional[str] = None
    recipient: Optional[str] = None
    requester: Optional[str] = None
    leave_program: Optional[str] = None
    leave_type: Optional[str] = None
    region: Optional[str] = None


@dataclass(frozen=True)
class Route:
    """A final answer: the route, its department and who to contact."""

    route_id: str
    spec: RouteSpec
    region: str
    contacts: Tuple[str, ...]
    steps: Tuple[Text, ...]
    facts: Facts
    regional: bool = False  # True when another region's ROI replaces the default steps

    @property
    def department(self) -> Optional[str]:
        return self.spec.department


@dataclass(frozen=True)
class Question:
    """One short question (with options) that the decision still needs."""

    slot: str
    facts: Facts


@dataclass(frozen=True)
class NoRoute:
    """Nothing to triage (no request type known)."""

    facts: Facts = field(default_factory=Facts)


Decision = Union[Route, Question, NoRoute]


def route_id_for(facts: Facts) -> Union[str, Question, None]:
    """Which route answers these facts, or which question must be asked first."""
    request = facts.request
    if request is None:
        return None
    if request in DIRECT_ROUTES:
        return DIRECT_ROUTES[request]
    if request == "records":
        if facts.recipient in CLINICIAN_RECIPIENTS:
            return "roi_clinician"
        if facts.recipient in THIRD_PARTY_RECIPIENTS:
            return "roi_third_party"
        if facts.requester == "proxy":
            # Someone else's records, even the ones the patient sees on kp.org, need
            # the patient's signed permission (ROUTING §4: caregiver, spouse, adult child).
            return "roi_third_party"
        if facts.record_kind in PORTAL_RECORD_KINDS:
            return "self_service_records"
        if facts.record_kind == "full_record":
            return "roi_own_copy"
        return Question("record_kind", facts)
    if request == "imaging":
        kind = facts.imaging_kind
        implied = RECIPIENT_IMAGING_KIND.get(facts.recipient or "")
        if implied and kind in IMPLIED_KIND_OVERRIDES[implied]:
            # "my dentist wants my x-rays": x-rays for a dentist are dental films
            kind = implied
        if kind in ROI_IMAGING_KINDS:
            return "roi_dental_eye_images"
        if kind is not None:
            return "imaging"
        return Question("imaging_kind", facts)
    if request == "leave_certification":
        if facts.leave_type == "bonding":
            return "leave_bonding"
        if facts.requester == "proxy":
            return "leave_certification_proxy"
        return "leave_certification"
    raise ValueError(f"unknown request type {request!r}")


def default_region(content: Content) -> str:
    return next(key for key, region in content.regions.items() if region.default)


def home_only_contacts(content: Content, region: str) -> set:
    """Contacts of the default region that a department does not have in ``region``
    (the Portland ROI's email and mail for a Seattle member)."""
    home = default_region(content)
    found: set = set()
    for dept in content.departments.values():
        if not dept.same_in_all_regions and region != home:
            found |= set(dept.contacts.get(home, [])) - set(dept.contacts.get(region, []))
    return found


def _refs(text: Text) -> set:
    return {ref for _, ref in PLACEHOLDER.findall(text.get() or "")}


def away_from_home(
    content: Content, region: str, contacts: Tuple[str, ...], steps: Tuple[Text, ...]
) -> Tuple[Tuple[str, ...], Tuple[Text, ...]]:
    """A route's contacts and steps for someone in ``region``: contacts only the
    default region has (Portland ROI's email) give way to the region's ROI
    contacts, and a step that names them to the region's first ROI step."""
    home_only = home_only_contacts(content, region)
    if not (set(contacts) & home_only or any(_refs(s) & home_only for s in steps)):
        return contacts, steps
    regional = content.departments["roi"].contacts.get(region, [])
    kept = tuple(dict.fromkeys([c for c in contacts if c not in home_only] + list(regional)))
    first = content.regions[region].roi_steps[:1]
    steps = tuple(step for s in steps for step in (first if _refs(s) & home_only else [s]))
    return kept, steps


def region_of(content: Content, place: Optional[str]) -> str:
    """The region (whose ROI answers) for a place slot value; the default region when
    the place is unknown or spans regions ("washington": Vancouver or Seattle?)."""
    found = content.places.get(place) if place else None
    return found.region if found is not None and found.region is not None else default_region(content)


def triage(facts: Facts, content: Content) -> Decision:
    """Decide the route for ``facts``: a :class:`Route`, a :class:`Question` or :class:`NoRoute`."""
    chosen = route_id_for(facts)
    if chosen is None:
        return NoRoute(facts)
    if isinstance(chosen, Question):
        return chosen
    spec = content.routes[chosen]
    department = spec.department

    region = default_region(content)
    if facts.region is not None:
        place = content.places.get(facts.region)
        if place is not None:
            if place.region is None:
                # The state has several regions: ask, but only when it changes the answer.
                if department is not None and not content.departments[department].same_in_all_regions:
                    return Question("region", facts)
            else:
                region = place.region

    steps = tuple(spec.steps)
    if department is None:
        return Route(chosen, spec, region, tuple(spec.contacts or ()), steps, facts)
    dept = content.departments[department]
    home = default_region(content)
    if region == home or dept.same_in_all_regions:
        contacts = tuple(spec.contacts or dept.contacts[home])
        if region != home:  # the same team everywhere, but not Portland's ROI for a Seattle member
            contacts, steps = away_from_home(content, region, contacts, steps)
        return Route(chosen, spec, region, contacts, steps, facts)
    if department != "roi" and region in dept.contacts:
        return Route(chosen, spec, region, tuple(dept.contacts[region]), steps, facts)
    # Another region's ROI, with its own contacts and steps. It also points people
    # to the right team where we hold no contact for that team in the region.
    contacts = tuple(content.departments["roi"].contacts[region])
    steps = tuple(content.regions[region].roi_steps) or steps
    return Route(chosen, spec, region, contacts, steps, facts, regional=True)


def infer_requests(primary: Optional[str], facts: Facts) -> List[str]:
    """Request types a message asks for: the intent's, plus ones its entities imply.

    "MRI images and my records to my lawyer" is classified as one intent but
    names facts for two requests; each gets its own answer. Only the three broad
    requests combine; a named form or a change of leave is answered alone.
    """
    if primary is None:
        return []
    implied = {
        "records": [("imaging", facts.imaging_kind), ("leave_certification", facts.leave_program)],
        "imaging": [("records", facts.record_kind)],
    }.get(primary, [])
    return [primary] + [request for request, evidence in implied if evidence]


# Entities that name a request on their own ("bonding leave", "dental x-rays").
# "records" alone (any_record) is too common a word to count.
ENTITY_REQUESTS = (
    ("imaging_kind", "imaging"),
    ("leave_type", "leave_certification"),
    ("leave_program", "leave_certification"),
    ("record_kind", "records"),
)


def request_from_entities(facts: Facts) -> Optional[str]:
    """The request a message's entities name, for messages whose intent did not.

    Used when a follow-up question arrives with no request in context ("what do I
    need for bonding leave?") and when NLU was unsure: a message that names an
    image kind or a leave program is about that, whatever else it says.
    """
    for field_name, request in ENTITY_REQUESTS:
        value = getattr(facts, field_name)
        if value is not None and value != "any_record":
            return request
    return None
