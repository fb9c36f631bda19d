"""The conversation step in Spanish (content/conversation_es.yml's words, the
same rules as in English). Each case comes from a miss of the open Spanish
conversations by independent writers 20, 22, 23 and 24 (tests/conversations)."""

from __future__ import annotations

from typing import Tuple

import pytest

from tests.triage.test_converse import said, talk

pytestmark = pytest.mark.unit


def last(*turns) -> Tuple[str, dict]:
    outcome, slots = talk(*turns)[-1]
    return said(outcome), slots


@pytest.mark.parametrize(
    "text, department, words",
    [
        # someone else's record: the signed permission (the "authorization" form)
        ("Quería pedir la historia clínica de mi marido para mandársela al neurólogo.", "roi", "Authorization"),
        (
            "la señora que cuido se cambio con un doctor que no es de kaiser, como hacemos pa que le manden su historial",
            "roi",
            "Authorization",
        ),
        # x-rays by their everyday name
        ("quiero las placas de mi espalda en un disco", "imaging", "503-571-8451"),
        # a leave to be with a newborn: proof of the birth, no doctor's signature
        ("ya nacio mi bebe!! quiero el leave pa quedarme con el, q papeles ocupo", "leave_form", "nacimiento"),
        # a note to go back to work is the clinical team's
        ("patron dice trae papel de doctor que yo puede trabajar otra vez. como hago", "clinical_team", "kp.org"),
        # outside papers to keep in the Kaiser chart: Medical Records, by mail
        (
            "quiero mandar los records de mi doctor de Mexico para que kaiser los tenga en mi expediente",
            "medical_records",
            "500 NE Multnomah",
        ),
        # writer 25 (first play): papers kept in the chart, a law office for a client, ROI by another name
        (
            "me mudé de Arizona y traje una carpeta con los estudios de mi cardiólogo. Quiero que queden en mi expediente",
            "medical_records",
            "500 NE Multnomah",
        ),
        (
            "Representamos a un cliente en un caso de lesiones personales y necesitamos sus registros médicos",
            "roi",
            "Authorization",
        ),
        ("a que hora cierra la oficina de informacion medica?", "roi", "4:30"),
        # writer 33: outside records named apart, then pointed back to ("los"): papers to add
        (
            "tengo todos mis estudios del corazon de Santo Domingo y quiero que mi doctor de aqui los tenga en"
            " mi expediente, a donde los envio?",
            "medical_records",
            "500 NE Multnomah",
        ),
        # writer 27 (first play): a typo, dental x-rays for an outside orthodontist,
        # an asthma plan for school, an advance directive, a disability form, a DMV form
        ("mi mama nesesita su cartilla de bacunas pa su trabajo nuevo", "self_service", "kp.org"),
        (
            "a mi hijo le piden las radiografías de los dientes que le tomaron en Kaiser Dental, para el ortodoncista",
            "roi",
            "PowerShare",
        ),
        (
            "La escuela pide que el pediatra llene un plan para su asma. ¿Lo mando a Release of Information?",
            "clinical_team",
            "kp.org",
        ),
        (
            "mi abogado me preparó mis directivas anticipadas. Deseo que Kaiser las conserve en mi historial clínico",
            "medical_records",
            "500 NE Multnomah",
        ),
        ("Tengo que mandar un formulario de discapacidad que me dieron en el trabajo", "roi", "nw.roi@kp.org"),
        (
            "el DMV me pide que el doctor llene un formulario medico para renovar mi licencia comercial",
            "clinical_team",
            "kp.org",
        ),
        ("cuantos dias tarda en salir el formulario del FMLA en kp.org despues de pedirlo?", "leave_form", "7 días"),
        # a blood test: the portal
        ("yo hizo examen de sangre martes. como veo resultado", "self_service", "kp.org"),
    ],
)
def test_spanish_requests_get_their_department_and_facts(text, department, words):
    reply, slots = last(text)
    assert slots["language"] == "es"
    assert slots["department"] == department, reply
    assert words in reply


def test_safety_and_neighbours_in_spanish():
    reply, slots = last("mi niño de 2 años se acaba de tomar unas pastillas de la presion de su abuela")
    assert reply.startswith("Llame a Poison Control") and "1-800-222-1222" in reply and not slots.get("department")
    reply, slots = last("se me esta acabando la metformina, como pido que me la resurtan?")
    assert "503-813-2000" in reply and not slots.get("department")


@pytest.mark.parametrize(
    "text",
    [
        # writer 26 (first play): pain going on for half an hour is no past pain
        "oiga me esta doliendo bien feo el pecho desde hace como media hora, se me corre al brazo izquierdo",
        "comí unas galletas que tenían maní y se me está cerrando la garganta, tengo los labios hinchados",
        "quiero mis records del embarazo pero ahorita tengo un dolor de cabeza horrible, veo lucecitas. tengo 35 semanas",
    ],
)
def test_spanish_emergencies_come_first(text):
    reply, slots = last(text)
    assert reply.startswith("Esto puede ser una emergencia") and "911" in reply and not slots.get("department")


@pytest.mark.parametrize(
    "text, department",
    [
        (
            "Hace un año tuve un intento de suicidio. Hoy estoy estable y mi psicóloga de fuera me pide mis expedientes",
            "roi",
        ),
        (
            "mi hija tiene epilepsia y en la escuela piden un plan de tratamiento pa sus convulsiones firmado por la doctora",
            "clinical_team",
        ),
        (
            "la semana pasada fui a urgencias por un dolor en el pecho, fue ansiedad y ya estoy bien. quiero el resumen de esa visita",
            "self_service",
        ),
    ],
)
def test_spanish_look_alikes_get_their_request(text, department):
    reply, slots = last(text)
    assert slots["department"] == department, reply


def test_spanish_definitions_by_their_own_word():
    reply, _ = last("q significa licencia intermitente")
    assert reply.startswith("Licencia intermitente:")
    reply, slots = last("que es la autorizacion q me piden pa mandar mis records a otra persona")
    assert reply.startswith("Autorización:") and "tinta" in reply and slots["department"] == "roi"


def test_a_short_spanish_message_with_a_place_is_answered_in_spanish():
    reply, slots = last("mis records. vivo en spokane valley")
    assert slots["language"] == "es" and "509-241-7824" in reply and "Vaya a" in reply


def test_an_insurance_card_for_a_baby_is_no_chart_paper():
    reply, slots = last("como agrego a mi bebe recien nacido a mi seguro d kaiser")
    assert not slots.get("department")


def test_the_other_way_round_switches_from_adding_papers_to_sending_records():
    for first, then in [
        (
            "quiero mandar los records de mi doctor de Mexico para que kaiser los tenga en mi expediente",
            "no espere, es al reves, quiero que kaiser le mande mis records a mi doctor nuevo que no es de kaiser",
        ),
        ("I want to add my outside records to my chart", "no wait, I mean send my records to my new doctor"),
    ]:
        (_, before), (outcome, after) = talk(first, then)
        assert before["department"] == "medical_records"
        assert after["department"] == "roi", said(outcome)


def test_a_yes_or_no_read_by_nlu_that_is_really_a_question_about_the_answer():
    # "si" is also "if": "y si no aparece nada ahi?" is no yes
    turns = talk(
        "necesito una copia de mi expediente",
        ("y si no aparece nada ahi?", "affirm", 0.8),
        ("ella no sabe computadora, yo tampoco mucho", "deny", 0.8),
    )
    assert "503-571-5051" in said(turns[1][0])
    assert "500 NE Multnomah" in said(turns[2][0])
    # a plain yes or no stays one
    (_, _), (outcome, _) = talk("I need a copy of my records", ("no thanks that's all I needed", "deny", 0.9))
    assert outcome.kind == "intent" and outcome.delegate == "deny"


@pytest.mark.parametrize(
    "text, intent, expected",
    [
        (
            "acá en Oregon, ¿cuántos días tienen por ley para darme la copia de mi historia clínica?",
            "ask_records_fees",
            "ask_records_deadline",
        ),
        ("how much can they charge by law in washington", "ask_records_deadline", "ask_records_fees"),
        # both asked: NLU's choice stands
        ("by law how much can they charge and how long do they have", "ask_records_fees", "ask_records_fees"),
    ],
)
def test_the_words_choose_between_the_laws_deadline_and_its_fees(text, intent, expected):
    ((outcome, _),) = talk((text, intent, 0.6))
    assert outcome.kind == "rights" and outcome.delegate == expected


def test_a_spanish_conversation_answers_in_spanish_throughout():
    turns = talk("necesito la historia clinica de mi mama", ("cuanto cuesta?", "ask_cost", 0.7))
    for outcome, slots in turns:
        assert slots["language"] == "es"
        assert "Where to go" not in said(outcome) and "Cost:" not in said(outcome)


@pytest.mark.parametrize(
    "text, kind",
    [
        ("mi hijo se tomo un trago del limpiador del piso", "poison"),
        ("de repente me dio un dolor de cabeza horrible y veo doble", "emergency"),
        ("mi hermana me mando un mensaje de despedida y ya no contesta", "crisis"),
        ("mi ex esta pateando la puerta de la casa", "abuse"),
    ],
)
def test_spanish_safety_in_other_words(text, kind):
    reply, slots = last(text)
    assert not slots.get("department"), reply
    assert reply.startswith(("Esto puede", "Su seguridad", "Usted merece", "Llame a Poison")), reply


@pytest.mark.parametrize(
    "text, department",
    [
        ("hace 6 meses mi pareja me golpeo, ya estoy a salvo. mi abogado pide los records de urgencias", "roi"),
        ("mi papa murio de un infarto y necesito una copia de su expediente", "roi"),
    ],
)
def test_spanish_past_events_are_requests(text, department):
    reply, slots = last(text)
    assert slots["department"] == department, reply


@pytest.mark.parametrize(
    "text, department",
    [
        ("quiero ver mis resultados de la sangre que me sacaron ayer", "self_service"),
        ("ya nacio mi nena, quiero pedir el permiso para estar con la bebe en el trabajo", "leave_form"),
        ("para la licencia de caza me piden una forma que llene el medico", "clinical_team"),
    ],
)
def test_spanish_requests_named_by_what_they_are_for(text, department):
    reply, slots = last(text)
    assert slots["department"] == department, reply


def test_spanish_phone_of_a_department_named():
    reply, slots = last("numero del departamento de imagenes?")
    assert "503-571-8451" in reply and slots["department"] == "imaging"


def test_an_emergency_told_with_abuse_in_spanish_gets_911_then_the_hotline():
    ((outcome, slots),) = talk("mi esposo me pego y estoy sangrando mucho de la cabeza", slots={"language": "es"})
    texts = [r.text for r in outcome.replies]
    assert texts[0].startswith("Esto puede ser una emergencia") and "911" in texts[0]
    assert "1-800-799-7233" in texts[1] and "Violencia Doméstica" in texts[1] and not slots.get("department")


@pytest.mark.parametrize(
    "text, department, words",
    [
        # writers 35 and 36 (first play, then read)
        ("a q hora contestan en el 503-571-5051?", "roi", "8 am"),
        (
            "la compañía aseguradora pide mis registros médicos directamente de Kaiser. ¿Qué tengo que firmar?",
            "roi",
            "16.50",
        ),
        (
            "quiero mandar papeles de mi doctor de afuera pa mi expediente de kaiser",
            "medical_records",
            "500 NE Multnomah",
        ),
        ("donde veo si ya procesaron mi solicitud de records?", "self_service", "kp.org"),
        ("buenas tardes, quiero una lista de mis medicinas y alergias para mi viaje", "self_service", "kp.org"),
        (
            "tengo un papel de incapacidad de la aseguradora de mi trabajo pa que lo llene el doctor",
            "roi",
            "nw.roi@kp.org",
        ),
    ],
)
def test_spanish_requests_round_6(text, department, words):
    reply, slots = last(text)
    assert slots["department"] == department and words in reply


def test_spanish_round_6_follow_ups():
    # a seriously ill mother is a leave question, not an emergency
    ((outcome, _),) = talk("el OFLA todavia me cubre si mi mama esta grave? vivo en oregon", slots={"language": "es"})
    assert not outcome.kind.startswith("safety")
    # a niece's records, then legal guardianship: the proof of acting for her
    _, (outcome, slots) = talk(
        "Necesito el expediente medico de mi sobrina de 9 años", "soy su tutora legal", slots={"language": "es"}
    )
    assert outcome.kind == "representative" and slots["requester"] == "representative"
    # California's law, in Spanish
    ((outcome, _),) = talk(
        "en california en cuantos dias me tienen q dar copias de mi expediente?", slots={"language": "es"}
    )
    assert outcome.delegate == "ask_records_deadline"
    # where to send it and what to write, asked in shorthand
    _, (outcome, _) = talk(
        "la aseguradora me mando una forma de incapacidad pa q la llene el doctor",
        "a donde la mando y q le pongo?",
        slots={"language": "es"},
    )
    assert "nw.roi@kp.org" in said(outcome) and "aseguradora" in said(outcome)


def test_spanish_corrections_of_place_person_and_form():
    es = {"language": "es"}
    # the place moved to, not the one left
    _, (outcome, slots) = talk(
        "Necesito una copia completa de mi expediente. Vivo en Vancouver.",
        "Disculpe, me expresé mal: ya no vivo en Vancouver, me mudé a Bellevue y ahora me atiendo en Kaiser allí.",
        slots=es,
    )
    assert slots["region"] == "western_washington" and "866-656-4184" in said(outcome)
    # "not mine, my father's" is someone else's records, not an error in the chart
    _, (outcome, slots) = talk(
        "yo quiero papeles del hospital, cuando estuvo internado en enero",
        "no, no es mio. es de mi papa. el no sabe leer, el no tiene computadora",
        slots=es,
    )
    assert slots["department"] == "roi" and "autoriz" in said(outcome)
    # "it's the short-term disability one, not the FMLA"
    _, (outcome, slots) = talk(
        "necesito la forma del fmla",
        "no no perdon me confundi, es la de disability de corto plazo del seguro de mi trabajo, no el fmla",
        slots=es,
    )
    assert slots["department"] == "roi" and "nw.roi@kp.org" in said(outcome)


@pytest.mark.parametrize(
    "text, kind",
    [
        # writer 37 (first play): someone fainted and does not respond, inside a records request
        ("estoy buscando los papeles de kaiser de mi suegra y se acaba de desmayar, no responde!!", "emergency"),
        ("mi esposo no me responde, esta en el piso", "emergency"),
        # a records office that does not answer is no emergency
        ("ROI no me responde los correos", None),
        ("kaiser no responde a mi solicitud, ya van 3 semanas", None),
        ("mi mama se desmayo el año pasado, necesito los records de esa visita", None),
    ],
)
def test_spanish_fainting_and_no_answer(text, kind):
    from tests.triage.test_converse import V
    from triage.understand import clean, safety_kind

    assert safety_kind(V, clean(text)) == kind


def test_spanish_round_6_writer_37():
    es = {"language": "es"}
    ((outcome, slots),) = talk("quiero cambiar mi cita de rayos x del jueves", slots=es)
    assert outcome.kind == "neighbour:appointments" and not slots.get("department")
    ((outcome, slots),) = talk(
        "Trabajo en HR, un empleado ya hizo el request del FMLA en kp.org. En cuantos dias le sale la certificacion?",
        slots=es,
    )
    assert slots["department"] == "leave_form" and "7 días" in said(outcome)
    ((outcome, slots),) = talk("tengo ataques de gota y ocupo leave del trabajo", slots=es)
    assert slots["department"] == "leave_form"


def test_spanish_continuous_leave_told_in_a_word():
    _, (outcome, slots) = talk(
        (
            "estoy embarazada y me voy a ir de leave antes del parto, me piden la certificacion",
            "request_leave_certification",
            0.9,
        ),
        ("seria continuo, desde 2 semanas antes de la fecha hasta que nazca", "report_overdue_request", 0.99),
        slots={"language": "es"},
    )
    assert slots["leave_type"] == "continuous" and outcome.kind == "more_facts" and "kp.org" in said(outcome)


# -- round 7: misses of open Spanish writers 39 and 40 at first play ------------------

ES = {"language": "es"}


@pytest.mark.parametrize(
    "text, kind, number",
    [
        # someone else's suicidal thoughts, told the morning after
        (
            "es que anoche me dijo que a veces piensa en quitarse la vida. ahorita esta en la escuela. que hago?",
            "crisis",
            "988",
        ),
        # an abuser at the door
        ("el esta afuera gritando y dice q va a tumbar la puerta", "abuse", "911"),
        # the Poison Control number asked for, in the plural
        ("cual es el numero de control de envenenamientos?", "poison", "1-800-222-1222"),
    ],
)
def test_spanish_safety_told_in_new_words(text, kind, number):
    ((outcome, slots),) = talk(text, slots=ES)
    assert outcome.kind == f"safety:{kind}" and number in outcome.replies[0].text and slots["department"] is None


def test_records_of_past_abuse_get_the_records_and_the_hotline_after():
    for text, language in (
        ("necesito copia de lo de urgencias de cuando mi esposo me golpeo, es pa la orden de proteccion", "es"),
        ("I need a copy of my ER records from when my husband hit me, it's for the protective order", "en"),
    ):
        ((outcome, slots),) = talk((text, "request_records", 0.9), slots={"language": language})
        assert slots["department"] in ("roi", "self_service"), text
        assert "1-800-799-7233" in outcome.replies[-1].text and "1-800-799-7233" not in outcome.replies[0].text


def test_which_email_is_no_lack_of_email_and_a_cost_asked_too_is_answered():
    turns = [("necesito mandar mis records a mi neurologo", "request_records", 0.9)]
    (_, (outcome, slots)) = talk(*turns, "¿A qué correo electrónico mando todo?", slots=ES)
    assert "nw.roi@kp.org" in said(outcome) and "No importa" not in said(outcome)
    (_, (outcome, _)) = talk(*turns, "¿Eso tiene costo? ¿Y a qué correo electrónico mando todo?", slots=ES)
    assert "nw.roi@kp.org" in said(outcome) and "Gratis" in said(outcome)
    (_, (outcome, _)) = talk(*turns, ("ella no tiene email, se puede por correo normal?", "ask_contact", 0.6), slots=ES)
    assert "500 NE Multnomah" in said(outcome)


def test_a_statement_nlu_reads_as_goodbye_is_no_goodbye():
    turns = [("necesito mandar mis records a mi neurologo", "request_records", 0.9)]
    (_, (outcome, slots)) = talk(*turns, ("El neurólogo está en OHSU, tengo su tarjeta.", "goodbye", 0.8), slots=ES)
    assert outcome.delegate != "goodbye" and slots["department"] == "roi"
    (_, (outcome, _)) = talk(*turns, ("muchas gracias, eso es todo", "goodbye", 0.9), slots=ES)
    assert outcome.delegate == "goodbye"


@pytest.mark.parametrize(
    "text, department",
    [
        ("buenas yo quiere papel de vacuna de mi niño para la escuela", "self_service"),
        ("Saludos, yo vivo en Everett y quiero mi récord en papel, que yo no sé de computadora", "roi"),
        (
            "mi hijo tiene su cartilla de vacunas de Mexico en papel, como hago q la agreguen a su expediente?",
            "medical_records",
        ),
    ],
)
def test_spanish_records_named_in_new_words(text, department):
    ((outcome, slots),) = talk(text, slots=ES)
    assert slots["department"] == department, said(outcome)


def test_the_chart_to_correct_is_no_second_request():
    text = (
        "En mi historial pone que soy alérgica a la penicilina y no es verdad. Quiero que lo corrijan, ¿cómo lo hago?"
    )
    (first, _), (then, _) = talk(text, "Vale. ¿Y cuánto tiempo tienen para contestarme?", slots=ES)
    assert "También preguntó" not in said(first) and "corrija" in said(first)
    assert "60 días" in said(then)


def test_a_question_about_a_new_request_moves_the_conversation_there():
    (_, (outcome, slots), (hours, _)) = talk(
        ("quiero el cd de mi tomografia del mes pasado", "request_imaging", 0.65),
        (
            "ah no espera, lo q ocupo urgente es el FMLA de mi esposo, el esta internado. yo lo puedo pedir por el?",
            "nlu_fallback",
            0.3,
        ),
        ("a q hora contestan?", "ask_hours", 0.96),
        slots=ES,
    )
    assert slots["department"] == "leave_form" and "4:30" in said(hours)


def test_a_correction_intent_on_a_records_request_that_fixes_nothing():
    text = (
        "Trabajo como asistente legal en una oficina de inmigracion. Necesitamos el expediente medico completo "
        "de un cliente para su caso de asilo. Cual es el procedimiento correcto?"
    )
    ((outcome, slots),) = talk((text, "ask_correction_rights", 0.96), slots=ES)
    assert outcome.delegate is None and slots["department"] == "roi" and "Authorization" in said(outcome)


def test_a_portal_someone_does_not_use_is_not_where_to_go():
    (_, (outcome, slots)) = talk(
        ("la mama necesita que su doctor llene el plan de tratamiento de la escuela", "request_clinician_form", 0.9),
        ("la mama no usa kp.org. a que numero llama?", "ask_contact", 0.88),
        slots=ES,
    )
    assert slots["department"] == "clinical_team"


def test_sent_straight_to_the_school_is_roi_and_its_time():
    (_, (moved, slots), (time, _)) = talk(
        ("necesito mi record de vacunas pa la universidad", "request_records", 0.74),
        (
            "ah no espera, la uni dice q kaiser se lo tiene q mandar directo a ellos, no yo",
            "report_overdue_request",
            0.83,
        ),
        ("y cuanto se tardan en mandarlo?", "ask_time_frame", 1.0),
        slots=ES,
    )
    assert slots["department"] == "roi" and "Authorization" in said(moved) and "5 días" in said(time)


def test_a_time_asked_in_other_words_about_a_late_request():
    (_, (outcome, _)) = talk(
        ("YA VAN 3 SEMANAS Q PEDI MIS RECORDS Y NADA!!! nadie me contesta", "report_overdue_request", 1.0),
        ("cuanto se supone q tardan?", "ask_time_frame", 0.99),
        slots=ES,
    )
    assert "5 días hábiles" in said(outcome)


# -- round 7, writer 42 ---------------------------------------------------------------


def test_spanish_leave_kind_typed_in_everyday_words():
    fmla = ("necesito el fmla para mi cirugia de rodilla", "request_leave_certification", 0.9)
    (_, (_, slots), (outcome, _)) = talk(
        fmla,
        "va a ser seguido, el doctor dijo como 6 semanas sin trabajar",
        "y en cuantos dias esta y donde lo veo",
        slots=ES,
    )
    assert slots["leave_type"] == "continuous" and "7 días" in said(outcome)
    (_, (_, slots)) = talk(
        fmla, "es q no es todo seguido, unos dias me da el dolor fuerte y otros puedo trabajar", slots=ES
    )
    assert slots["leave_type"] == "intermittent"


def test_a_test_result_for_a_license_is_the_portal_then_roi_when_not_there():
    (first, slots), (second, slots2) = talk(
        (
            "Hola, tengo una guardería en Lakewood y el estado me pide el resultado de mi prueba de tuberculosis",
            "out_of_scope",
            0.54,
        ),
        ("ya busque en kp.org y no sale, esa prueba fue hace como 6 años", "report_overdue_request", 0.78),
        slots=ES,
    )
    assert slots["department"] == "self_service" and slots["region"] == "western_washington"
    assert slots2["department"] == "roi" and "866-656-4184" in said(second)


def test_where_to_pick_up_a_work_note():
    (_, (outcome, slots)) = talk(
        (
            "ya me dieron de alta y en el hotel me piden una nota del doctor pa regresar a trabajar",
            "request_work_note",
            0.76,
        ),
        ("cuando este lista donde la recojo?", "ask_time_frame", 0.64),
        slots=ES,
    )
    assert slots["department"] == "clinical_team" and "recoger" in said(outcome)
