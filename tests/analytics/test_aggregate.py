"""One conversation's events -> its aggregate (analytics/aggregate.py)."""

from __future__ import annotations

import pytest

from analytics.aggregate import channel_of, conversations, summarise
from analytics.groups import BUCKETS, SIMILAR, Groups, buckets, group_key, tokens
from tests.analytics.seed import DAY2, Talk


def test_channel_from_the_sender_prefix():
    assert [channel_of(s) for s in ("web-abc", "SMS-1f2e", "agent-call-7", "crm-4711", "")] == [
        "web",
        "sms",
        "agent",
        "rest",
        "rest",
    ]


def test_a_routed_conversation():
    talk = (
        Talk()
        .user("I need my records")
        .bot("choices", "Which records?")
        .user('/choose{"record_kind": "full_record"}')
        .slot("department", "roi")
        .slot("route", "roi_full_record")
        .bot("department_card")
        .bot("steps")
    )
    [row] = conversations("web-1234", talk.events)
    assert (row.day, row.channel, row.language) == ("2026-12-01", "web", "en")
    assert row.turns == 2
    assert row.departments == ("roi",) and row.routes == ("roi_full_record",)
    assert row.turns_to_department == 2
    assert row.questions == 1 and not row.ended_after_question
    assert row.cant_help == 0 and row.unrecognised == []


def test_cant_help_keeps_the_masked_words_of_the_message_it_answered_once():
    talk = (
        Talk()
        .user("hola", language="es")
        .bot("greeting")
        .user("my dog's vet records")
        .bot("fallback", "I can't help with that")
        .bot("fallback", "Topics: ...")
        .user("/greet")
        .bot("fallback")
    )
    row = summarise("sms-9f8e", talk.events)
    assert row.channel == "sms" and row.language == "es"
    assert row.cant_help == 3
    assert row.unrecognised == ["my dog's vet records"]  # a button payload is not words anyone typed
    assert row.departments == () and row.turns_to_department is None


def test_language_slot_wins_and_pointers_are_counted():
    talk = (
        Talk()
        .user("chest pain")
        .bot("safety")
        .slot("language", "es")
        .user("cita")
        .bot("pointer")
        .user("factura")
        .bot("pointer")
    )
    row = summarise("crm-1", talk.events)
    assert (row.channel, row.language, row.emergency, row.neighbour) == ("rest", "es", 1, 2)


def test_ended_right_after_a_clarifying_question_and_reasked():
    talk = (
        Talk()
        .user("x-ray")
        .bot("choices", "What kind of images?")
        .user("the blue one")
        .slot("question_repeated", True)
        .bot("choices", "What kind of images?")
    )
    row = summarise("web-1", talk.events)
    assert row.ended_after_question and row.questions == 2 and row.reasked == 1
    answered = summarise("web-1", talk.user("MRI").slot("department", "imaging").bot("department_card").events)
    assert not answered.ended_after_question and answered.turns_to_department == 3


def test_each_session_is_a_conversation_and_carried_over_slots_are_not_counted_again():
    talk = Talk().user("records").slot("department", "roi").bot("department_card")
    talk.new_session(DAY2).user("hello").bot("greeting")
    first, second = conversations("agent-call-1", talk.events)
    assert (first.day, first.departments, first.turns_to_department) == ("2026-12-01", ("roi",), 1)
    assert (second.day, second.departments, second.turns_to_department) == ("2026-12-02", (), None)
    assert second.start == DAY2
    assert conversations("web-1", Talk().events) == []  # a session with no message is no conversation


def test_similar_messages_share_a_group_and_the_key_hides_the_words():
    secret = b"k" * 32
    assert tokens("Can I get my dog's VET records?") == {"dog", "vet", "record"}
    assert group_key("Can I get my dog's VET records?", secret) == group_key("vet records for my dog", secret)
    assert group_key("vet records for my cat", secret) != group_key("vet records for my dog", secret)
    assert group_key("call [PHONE] please", secret) == group_key("[PHONE] call", secret)
    assert "vet" not in group_key("vet", secret)
    assert group_key("vet", secret) != group_key("vet", b"x" * 32)
    assert group_key("please, hi!", secret) == ""  # nothing left to group on


def test_handoffs_to_a_person_and_their_wait():
    """A "queued" bot event, then the agent's take (pause): one handoff, its wait; a wait nobody took is not one."""

    def queued(talk, at):
        talk.events.append(
            {"event": "bot", "timestamp": at, "text": "...", "data": {}, "metadata": {"handoff": {"event": "queued"}}}
        )

    talk = Talk().user("I want a person")
    queued(talk, talk.clock + 1)
    talk.events.append({"event": "pause", "timestamp": talk.clock + 31})
    talk.events.append({"event": "resume", "timestamp": talk.clock + 100})
    queued(talk, talk.clock + 200)  # asked again later; nobody took it
    [row] = conversations("web-1234", talk.events)
    assert row.handoffs == 1 and row.handoff_wait_seconds == 30.0
    assert row.turns == 1 and row.questions == 0  # the queue's words are no clarifying question
    [plain] = conversations("web-5678", Talk().user("my records").bot("choices").events)
    assert plain.handoffs == 0 and plain.handoff_wait_seconds is None


def test_unanswered_follow_ups_are_can_t_help_answers_after_a_topic():
    """A message that arrives while the department or route slot holds a value and gets "can't help"."""
    talk = (
        Talk()
        .user("my dog's vet records")  # no topic yet: can't help, but no follow-up
        .bot("fallback")
        .user("my lawyer needs my records")
        .bot("department_card")  # Rasa writes an action's messages before its slots
        .slot("department", "roi")
        .slot("route", "roi_attorney")
        .user("can my cat sign it")  # a follow-up nobody answered: two parts, one message
        .bot("fallback")
        .bot("fallback", "Topics: ...")
        .user("how much?")  # answered
        .bot("time_cost")
        .user("/greet")  # a button press is a message too
        .bot("fallback")
    )
    row = summarise("web-1", talk.events)
    assert row.cant_help == 4 and row.unanswered_followups == 2
    assert row.unrecognised == ["my dog's vet records", "can my cat sign it"]


def test_no_follow_up_without_a_topic_in_this_conversation():
    # the turn that sets the topic is no follow-up, even when one of its parts is "can't help"
    first = Talk().user("records and my dog").bot("department_card").bot("fallback").slot("department", "roi")
    assert summarise("web-1", first.events).unanswered_followups == 0
    # a topic cleared (a new request the assistant does not handle) is no longer in context
    cleared = (
        Talk()
        .user("my chart")
        .slot("department", "medical_records")
        .bot("department_card")
        .user("my dog's vet records")
        .slot("department", None)
        .slot("route", None)
        .bot("fallback")
        .user("my parrot's dentist")
        .bot("fallback")
    )
    assert summarise("web-1", cleared.events).unanswered_followups == 1  # the message that arrived with a topic
    # a department carried over into a new session is not this conversation's topic
    talk = Talk().user("records").slot("department", "roi").bot("department_card")
    talk.new_session(DAY2).user("my dog's vet records").bot("fallback")
    first_row, second_row = conversations("web-1", talk.events)
    assert (first_row.unanswered_followups, second_row.unanswered_followups) == (0, 0)
    assert second_row.cant_help == 1
    # a route alone (an information-only answer) is a topic too
    route_only = Talk().user("leave").slot("route", "leave_info").bot("text").user("huh").bot("fallback")
    assert summarise("sms-1", route_only.events).unanswered_followups == 1


PARAPHRASES = ("vet records for my dog", "can I get my dog's vet records", "records from the vet for my puppy")
UNRELATED = ("school records for my kid", "my parrot's dentist", "passport photo for my son", "copy of my lab results")


def test_near_paraphrases_join_one_group_by_tf_idf_and_unrelated_messages_do_not():
    secret = b"k" * 32
    groups = Groups()
    placed = []
    for text in PARAPHRASES + UNRELATED + ("my lab results copy please",):
        group, message = groups.place(text, secret)
        groups.add(group, message)
        placed.append(group)
    vet = placed[0]
    assert placed[:3] == [vet, vet, vet]
    assert len(set(placed[3:7])) == 4 and vet not in placed[3:7]  # each its own group
    assert placed[7] == placed[6]  # the same words in another order: the exact token set
    assert groups.vectors[vet] and groups.messages == 8
    # the puppy joined by similarity, not by equal token sets
    assert group_key(PARAPHRASES[2], secret) != vet
    nearest = groups.nearest(buckets("records from the vet for my puppy", secret))
    assert nearest is not None and nearest[0] == vet and SIMILAR <= nearest[1] < 1
    # one word in common of three is not enough
    only_vet = Groups()
    for text in PARAPHRASES:
        only_vet.add(vet, buckets(text, secret))
    school = only_vet.nearest(buckets("school records for my kid", secret))
    assert school is not None and school[0] == vet and 0 < school[1] < SIMILAR


def test_a_group_keeps_keyed_hash_buckets_not_words():
    secret = b"k" * 32
    found = buckets("vet records for my dog", secret)
    assert len(found) == 3 and all(0 <= b < BUCKETS for b in found)
    assert buckets("Records for my DOG's vet?", secret) == found
    assert buckets("vet records for my dog", b"x" * 32) != found  # another database's key, other buckets
    assert buckets("please, hi!", secret) == frozenset()
    assert Groups().place("please, hi!", secret) is None


def test_the_similarity_is_scikit_learn_s_tf_idf_cosine():
    """groups.nearest computes over each centroid's few buckets what TfidfTransformer and cosine_similarity give."""
    import numpy as np
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfTransformer
    from sklearn.metrics.pairwise import cosine_similarity

    secret = b"k" * 32
    made = Groups()
    for text in PARAPHRASES + UNRELATED + ("dental records for my dog", "vet records for my cat"):
        made.add(*made.place(text, secret))
    message = buckets("records of my dog's vaccines from the vet", secret)
    names = sorted(made.vectors)
    counts = np.zeros((len(names) + 1, BUCKETS))
    counts[0, list(message)] = 1
    for row, name in enumerate(names, 1):
        for bucket, n in made.vectors[name].items():
            counts[row, bucket] = n
    messages_df = np.zeros(BUCKETS)  # messages with a token in each bucket: the centroids count them, and this one
    for name in names:
        for bucket, n in made.vectors[name].items():
            messages_df[bucket] += n
    messages_df[list(message)] += 1
    tfidf = TfidfTransformer(norm="l2", smooth_idf=True)
    tfidf.idf_ = np.log((1 + made.messages + 1) / (1 + messages_df)) + 1
    weighted = tfidf.transform(sparse.csr_matrix(counts))
    scores = cosine_similarity(weighted[0], weighted[1:]).ravel()
    group, score = made.nearest(message)
    assert group == names[int(np.argmax(scores))] and score == pytest.approx(float(scores.max()))
    assert 0 < score < 1
