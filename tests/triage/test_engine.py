"""The triage engine: every row of ROUTING.md section 2, and the questions it asks."""

from __future__ import annotations

import itertools

import pytest

from triage.content import load_content
from triage.engine import (
    REQUESTS,
    Facts,
    NoRoute,
    Question,
    Route,
    infer_requests,
    route_id_for,
    triage,
)

CONTENT = load_content()


def decide(**facts):
    return triage(Facts(**facts), CONTENT)


# (facts, expected route id, expected department) -- one case per ROUTING.md row
ROUTES = [
    (dict(request="records", record_kind="immunizations"), "self_service_records", "self_service"),
    (dict(request="records", record_kind="test_results"), "self_service_records", "self_service"),
    (dict(request="records", record_kind="visit_summaries"), "self_service_records", "self_service"),
    (dict(request="records", record_kind="hospital_records"), "self_service_records", "self_service"),
    (dict(request="records", record_kind="health_summary"), "self_service_records", "self_service"),
    (dict(request="records", record_kind="full_record"), "roi_own_copy", "roi"),
    (dict(request="records", recipient="lawyer"), "roi_third_party", "roi"),
    (dict(request="records", recipient="family"), "roi_third_party", "roi"),
    (dict(request="records", recipient="insurer"), "roi_third_party", "roi"),
    (dict(request="records", recipient="employer"), "roi_third_party", "roi"),
    (dict(request="records", recipient="someone_else"), "roi_third_party", "roi"),
    (dict(request="records", recipient="clinician"), "roi_clinician", "roi"),
    (dict(request="records", recipient="dentist"), "roi_clinician", "roi"),
    (dict(request="records", recipient="eye_doctor", record_kind="full_record"), "roi_clinician", "roi"),
    (dict(request="imaging", imaging_kind="xray"), "imaging", "imaging"),
    (dict(request="imaging", imaging_kind="ct"), "imaging", "imaging"),
    (dict(request="imaging", imaging_kind="mri"), "imaging", "imaging"),
    (dict(request="imaging", imaging_kind="ultrasound"), "imaging", "imaging"),
    (dict(request="imaging", imaging_kind="mammogram"), "imaging", "imaging"),
    (dict(request="imaging", imaging_kind="other_scan"), "imaging", "imaging"),
    (dict(request="imaging", imaging_kind="dental"), "roi_dental_eye_images", "roi"),
    (dict(request="imaging", imaging_kind="eye"), "roi_dental_eye_images", "roi"),
    (dict(request="imaging", recipient="dentist"), "roi_dental_eye_images", "roi"),
    (dict(request="imaging", recipient="eye_doctor"), "roi_dental_eye_images", "roi"),
    (dict(request="imaging", recipient="dentist", imaging_kind="xray"), "roi_dental_eye_images", "roi"),
    (dict(request="leave_certification"), "leave_certification", "leave_form"),
    (
        dict(request="leave_certification", leave_program="fmla", leave_type="continuous"),
        "leave_certification",
        "leave_form",
    ),
    (dict(request="leave_certification", leave_program="ofla"), "leave_certification", "leave_form"),
    (dict(request="leave_certification", leave_program="paid_leave_oregon"), "leave_certification", "leave_form"),
    (
        dict(request="leave_certification", leave_program="wa_pfml", leave_type="intermittent"),
        "leave_certification",
        "leave_form",
    ),
    (dict(request="leave_certification", requester="proxy"), "leave_certification_proxy", "leave_form"),
    (dict(request="leave_certification", leave_type="bonding"), "leave_bonding", "leave_form"),
    (dict(request="leave_certification", leave_type="bonding", requester="proxy"), "leave_bonding", "leave_form"),
    (dict(request="leave_change"), "leave_change", "clinical_team"),
    (dict(request="leave_change", leave_program="fmla"), "leave_change", "clinical_team"),
    (dict(request="disability_form"), "disability_form", "roi"),
    (dict(request="work_note"), "work_note", "clinical_team"),
    (dict(request="ada_accommodation"), "ada_accommodation", "clinical_team"),
    (dict(request="clinician_form"), "clinician_form", "clinical_team"),
    (dict(request="add_to_chart"), "add_to_chart", "medical_records"),
    (dict(request="record_correction"), "record_correction", "roi"),
    (dict(request="request_status"), "request_status", "self_service"),
    (dict(request="provider_fax"), "provider_fax", None),
]


@pytest.mark.parametrize("facts, route_id, department", ROUTES)
def test_every_route(facts, route_id, department):
    decision = decide(**facts)
    assert isinstance(decision, Route)
    assert decision.route_id == route_id
    assert decision.department == department
    assert decision.contacts, "every answer names a way to reach someone"


def test_every_route_in_content_is_reachable():
    reached = {route_id for _, route_id, _ in ROUTES}
    assert reached == set(CONTENT.routes)


def test_every_request_type_is_covered():
    assert {facts["request"] for facts, _, _ in ROUTES} == set(REQUESTS)


@pytest.mark.parametrize(
    "facts, slot",
    [
        (dict(request="records"), "record_kind"),
        (dict(request="records", record_kind="any_record"), "record_kind"),
        (dict(request="imaging"), "imaging_kind"),
        (dict(request="imaging", recipient="lawyer"), "imaging_kind"),
        (dict(request="records", recipient="lawyer", region="washington"), "region"),
        (dict(request="disability_form", region="washington"), "region"),
    ],
)
def test_missing_facts_give_one_question(facts, slot):
    decision = decide(**facts)
    assert isinstance(decision, Question)
    assert decision.slot == slot
    assert slot in CONTENT.messages.questions


@pytest.mark.parametrize("slot", ["record_kind", "imaging_kind", "region"])
def test_every_question_option_leads_to_an_answer(slot):
    start = {
        "record_kind": dict(request="records"),
        "imaging_kind": dict(request="imaging"),
        "region": dict(request="records", recipient="lawyer", region="washington"),
    }[slot]
    for option in CONTENT.messages.questions[slot].options:
        decision = decide(**{**start, **option.facts})
        assert isinstance(decision, Route), option


def test_no_request_no_route():
    assert isinstance(decide(), NoRoute)
    assert isinstance(decide(region="oregon", recipient="lawyer"), NoRoute)


def test_unknown_request_is_an_error():
    with pytest.raises(ValueError):
        route_id_for(Facts(request="pizza"))


# --- who asks, and for whom ---------------------------------------------------------


def test_caregiver_for_detailed_record_needs_patient_permission():
    assert decide(request="records", requester="proxy").route_id == "roi_third_party"
    assert decide(request="records", requester="proxy", record_kind="full_record").route_id == "roi_third_party"


def test_someone_elses_portal_items_need_the_patients_permission():
    # ROUTING §4: a caregiver, spouse or adult child gets the records with the patient's signed form
    assert decide(request="records", requester="proxy", record_kind="immunizations").route_id == "roi_third_party"
    assert decide(request="records", requester="self", record_kind="immunizations").route_id == "self_service_records"


def test_recipient_beats_record_kind():
    # "send my test results to my lawyer" is a third-party release, not a portal download
    assert decide(request="records", record_kind="test_results", recipient="lawyer").route_id == "roi_third_party"
    assert decide(request="records", record_kind="test_results", recipient="clinician").route_id == "roi_clinician"


def test_dental_and_eye_images_never_go_to_imaging():
    for kind in ("dental", "eye"):
        for recipient in (None, "lawyer", "clinician", "dentist"):
            assert decide(request="imaging", imaging_kind=kind, recipient=recipient).department == "roi"


def test_xrays_for_a_dentist_are_dental_films():
    assert decide(request="imaging", imaging_kind="xray", recipient="dentist").route_id == "roi_dental_eye_images"
    assert (
        decide(request="imaging", imaging_kind="other_scan", recipient="eye_doctor").route_id == "roi_dental_eye_images"
    )
    # but an MRI stays an MRI, whoever asks for it
    assert decide(request="imaging", imaging_kind="mri", recipient="dentist").route_id == "imaging"
    assert decide(request="imaging", imaging_kind="ct", recipient="eye_doctor").route_id == "imaging"


def test_other_images_always_go_to_imaging():
    for kind in ("xray", "ct", "mri", "ultrasound", "mammogram", "other_scan"):
        for recipient in (None, "lawyer", "clinician"):
            assert decide(request="imaging", imaging_kind=kind, recipient=recipient).department == "imaging"


def test_forms_for_the_clinician_never_go_to_roi():
    for request in ("ada_accommodation", "clinician_form", "work_note", "leave_change"):
        for extra in itertools.product((None, "proxy"), (None, "fmla"), (None, "oregon", "eastern_washington")):
            decision = decide(request=request, requester=extra[0], leave_program=extra[1], region=extra[2])
            assert decision.department != "roi", (request, extra)
            assert not any(c.startswith("roi") or "roi" in c for c in decision.contacts), (request, extra)


def test_leave_program_does_not_change_the_route():
    routes = {
        decide(request="leave_certification", leave_program=p).route_id
        for p in (None, "fmla", "ofla", "paid_leave_oregon", "wa_pfml")
    }
    assert routes == {"leave_certification"}


def test_leave_proxy_calls_roi_phone():
    decision = decide(request="leave_certification", requester="proxy")
    assert decision.contacts == ("roi_phone",)


# --- regions ------------------------------------------------------------------------


def test_default_region_is_kp_northwest():
    decision = decide(request="records", recipient="lawyer")
    assert decision.region == "kp_northwest"
    assert "roi_email" in decision.contacts and "roi_phone" in decision.contacts


@pytest.mark.parametrize("place", ["oregon", "sw_washington", "california"])
def test_northwest_places(place):
    decision = decide(request="records", recipient="lawyer", region=place)
    assert decision.region == "kp_northwest"
    assert not decision.regional


@pytest.mark.parametrize(
    "place, region, phone, fax",
    [
        ("western_washington", "kp_washington_west", "kpwa_west_roi_phone", "kpwa_west_roi_fax"),
        ("eastern_washington", "kp_washington_east", "kpwa_east_roi_phone", "kpwa_east_roi_fax"),
    ],
)
def test_kp_washington_roi_contacts(place, region, phone, fax):
    for facts in (
        dict(request="records", recipient="lawyer"),
        dict(request="disability_form"),
        dict(request="imaging", imaging_kind="dental"),
        dict(request="record_correction"),
    ):
        decision = decide(**facts, region=place)
        assert decision.region == region
        assert decision.department == "roi"
        assert decision.contacts == (phone, fax)
        assert decision.regional
        assert decision.steps == tuple(CONTENT.regions[region].roi_steps)


def test_kp_washington_other_departments_fall_back_to_their_roi():
    decision = decide(request="imaging", imaging_kind="mri", region="western_washington")
    assert decision.department == "imaging"
    assert decision.contacts == ("kpwa_west_roi_phone", "kpwa_west_roi_fax")


def test_washington_without_a_part_asks_only_when_it_matters():
    assert isinstance(decide(request="records", recipient="lawyer", region="washington"), Question)
    # the portal and the clinical team are the same wherever you are in Washington
    assert (
        decide(request="records", record_kind="immunizations", region="washington").route_id == "self_service_records"
    )
    assert decide(request="work_note", region="washington").route_id == "work_note"


# --- several requests in one message ----------------------------------------------


def test_records_and_images_in_one_message():
    facts = Facts(request="records", recipient="lawyer", imaging_kind="mri")
    assert infer_requests("records", facts) == ["records", "imaging"]


def test_images_and_records_in_one_message():
    facts = Facts(request="imaging", imaging_kind="mri", record_kind="any_record", recipient="lawyer")
    assert infer_requests("imaging", facts) == ["imaging", "records"]


def test_refining_entities_do_not_open_a_second_request():
    assert infer_requests("records", Facts(recipient="lawyer", record_kind="full_record")) == ["records"]
    assert infer_requests("imaging", Facts(imaging_kind="xray", recipient="dentist")) == ["imaging"]
    assert infer_requests("leave_certification", Facts(leave_program="fmla", record_kind="any_record")) == [
        "leave_certification"
    ]
    assert infer_requests("disability_form", Facts(leave_program="fmla", imaging_kind="mri")) == ["disability_form"]
    assert infer_requests(None, Facts(imaging_kind="mri")) == []


def test_request_named_by_entities_alone():
    from triage.engine import request_from_entities

    assert request_from_entities(Facts(leave_type="bonding")) == "leave_certification"
    assert request_from_entities(Facts(imaging_kind="dental")) == "imaging"
    assert request_from_entities(Facts(record_kind="immunizations")) == "records"
    assert request_from_entities(Facts(record_kind="any_record")) is None  # "my chart" is not enough
    assert request_from_entities(Facts(recipient="lawyer", region="oregon")) is None
