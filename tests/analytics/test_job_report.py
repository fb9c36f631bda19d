"""The incremental job over a seeded tracker store, and the figures it gives (analytics/job.py, report.py)."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from analytics import job
from analytics.report import Filters, figures, median_of, parse_filters, recent_figures
from analytics.report import main as report_main
from analytics.store import AnalyticsStore
from privacy.retention import delete_older_than
from tests.analytics.seed import DAY1, DAY2, Talk, store_events, tracker_db

ALL = Filters("2026-12-01", "2026-12-31")
VET = "my dog's vet records"


@pytest.fixture
def dbs(tmp_path):
    tracker = tracker_db(f"sqlite:///{tmp_path / 'tracker.db'}")
    store = AnalyticsStore(f"sqlite:///{tmp_path / 'analytics.db'}")
    yield tracker, store
    tracker.dispose()
    store.dispose()


def routed(department: str, route: str, turns_before: int = 0, start: float = DAY1) -> Talk:
    talk = Talk(start)
    for _ in range(turns_before):
        talk.user("records").bot("choices")
    return talk.user("the whole thing").slot("department", department).slot("route", route).bot("department_card")


def seed(tracker) -> None:
    store_events(tracker, "web-a", routed("roi", "roi_full", 0).events)
    store_events(tracker, "web-b", routed("roi", "roi_full", 2).events)
    store_events(tracker, "sms-c", routed("imaging", "imaging_xray", 1, DAY2).events)
    store_events(tracker, "agent-d", Talk().user("x-ray").bot("choices").events)  # gave up on the question
    store_events(tracker, "crm-e", Talk(DAY2).user("chest pain", language="es").bot("safety").events)


def test_seeded_conversations_give_the_expected_figures(dbs):
    tracker, store = dbs
    seed(tracker)
    done = job.run(tracker, store)
    assert done["conversations"] == 5
    found = figures(store.engine, ALL)
    assert found.conversations == 5
    assert found.turns == 1 + 3 + 2 + 1 + 1
    assert found.by_channel == {"agent": 1, "rest": 1, "sms": 1, "web": 2}
    assert found.by_language == {"en": 4, "es": 1}
    assert found.by_day == {"2026-12-01": 3, "2026-12-02": 2}
    assert found.departments == {"roi": 2, "imaging": 1}
    assert found.routes == {"roi_full": 2, "imaging_xray": 1}
    assert found.reached_department == 3
    assert found.median_turns_to_department == 2  # 1, 2 and 3 turns
    assert found.ended_after_question == 1 and found.ended_after_question_rate == pytest.approx(0.2)
    assert found.emergency_pointers == 1 and found.neighbour_pointers == 0
    assert found.questions_asked == 2 + 1 + 1
    assert found.handoffs == 0 and found.median_handoff_wait_seconds is None  # nobody asked for a person
    only_sms = figures(store.engine, Filters("2026-12-01", "2026-12-31", channel="sms"))
    assert (only_sms.conversations, only_sms.departments) == (1, {"imaging": 1})
    day1_es = figures(store.engine, Filters("2026-12-01", "2026-12-01", language="es"))
    assert day1_es.conversations == 0 and day1_es.departments == {}
    row = dict(((s, n), v) for s, n, v in found.rows())
    assert row[("total", "conversations")] == "5" and row[("department", "roi")] == "2"
    assert found.csv().splitlines()[0] == "section,name,value"


def test_the_job_is_incremental_and_counts_a_conversation_that_goes_on_once(dbs):
    tracker, store = dbs
    talk = Talk().user("hello").bot("greeting")
    store_events(tracker, "web-a", talk.events)
    assert job.run(tracker, store)["events"] == len(talk.events)
    assert figures(store.engine, ALL).departments == {}
    more = Talk().user("my chart").slot("department", "medical_records").bot("department_card").events[3:]
    store_events(tracker, "web-a", more)
    assert job.run(tracker, store)["events"] == len(more)  # only what is new
    found = figures(store.engine, ALL)
    assert (found.conversations, found.turns, found.departments) == (1, 2, {"medical_records": 1})
    assert found.median_turns_to_department == 2
    assert job.run(tracker, store)["events"] == 0
    assert store.counts() == [1, 1, 0]


def test_unrecognised_words_only_from_five_conversations_on(dbs):
    tracker, store = dbs
    for n in range(4):
        store_events(
            tracker, f"web-{n}", Talk().user(VET).bot("fallback").user("vet records, my dog").bot("fallback").events
        )
    store_events(tracker, "web-x", Talk().user("my parrot's dentist").bot("fallback").events)
    job.run(tracker, store)
    found = figures(store.engine, ALL)
    assert found.cant_help_replies == 9 and found.conversations_with_cant_help == 5
    assert found.unrecognised == []
    with store.engine.connect() as conn:  # below the threshold not even the database holds the words
        assert conn.execute(sa.text("SELECT count(*) FROM unrecognised WHERE words IS NOT NULL")).scalar() == 0
        dumped = "\n".join(conn.connection.iterdump())
    assert "dog" not in dumped and "parrot" not in dumped and "web-" not in dumped
    store_events(tracker, "sms-5", Talk().user("Vet records for my dog?").bot("fallback").events)
    job.run(tracker, store)
    found = figures(store.engine, ALL)
    assert found.unrecognised == [("Vet records for my dog?", 5)]
    assert "parrot" not in found.csv()
    # the range counts too: a day with fewer than 5 of them shows nothing
    assert figures(store.engine, Filters("2026-12-01", "2026-12-01", channel="sms")).unrecognised == []


def test_aggregates_survive_the_retention_purge(dbs, tmp_path):
    tracker, store = dbs
    seed(tracker)
    job.run(tracker, store)
    assert delete_older_than(f"sqlite:///{tmp_path / 'tracker.db'}", 1, now=DAY2 + 10 * 86400) == 5
    job.run(tracker, store)
    assert figures(store.engine, ALL).conversations == 5


def test_median_and_filters():
    assert median_of([]) is None
    assert median_of([(1, 1), (3, 1)]) == 2
    assert median_of([(1, 3), (9, 1)]) == 1
    today = dt.date(2026, 12, 31)
    assert parse_filters({}, today) == Filters("2026-12-02", "2026-12-31")
    assert parse_filters(
        {"from": "2026-12-01", "to": "2026-12-05", "channel": "SMS", "language": "es"}, today
    ) == Filters("2026-12-01", "2026-12-05", "sms", "es")
    for bad in (
        {"from": "2026-12-09", "to": "2026-12-01"},
        {"channel": "fax"},
        {"from": "yesterday"},
        {"language": "e'"},
    ):
        with pytest.raises(ValueError):
            parse_filters(bad, today)


def test_the_commands_print_the_same_figures(dbs, tmp_path, capsys, monkeypatch):
    tracker, _ = dbs
    seed(tracker)
    env = tmp_path / ".env"
    env.write_text(f"TRACKER_DB={tmp_path / 'tracker.db'}\nANALYTICS_DB={tmp_path / 'analytics.db'}\n")
    for name in ("TRACKER_DB", "ANALYTICS_DB", "TRACKER_STORE"):
        monkeypatch.delenv(name, raising=False)
    assert job.main(["--env-file", str(env)]) == 0
    assert "5 conversations updated" in capsys.readouterr().out
    assert report_main(["--env-file", str(env), "--from", "2026-12-01", "--to", "2026-12-31", "--csv"]) == 0
    printed = capsys.readouterr().out
    assert "total,conversations,5" in printed and "department,imaging,1" in printed


def test_a_page_and_its_charts_query_once_within_30_seconds(dbs):
    tracker, store = dbs
    seed(tracker)
    job.run(tracker, store)
    first = recent_figures(store.engine, ALL, now=1000.0)
    store_events(tracker, "web-late", Talk().user("hello").bot("greeting").events)
    job.run(tracker, store)
    assert recent_figures(store.engine, ALL, now=1020.0) is first
    assert recent_figures(store.engine, ALL, now=1031.0).conversations == 6


def test_handoffs_and_the_median_wait(dbs):
    tracker, store = dbs
    for n, wait in enumerate((20, 60, 300)):
        talk = Talk().user("I want a person")
        meta = {"handoff": {"event": "queued"}}
        talk.events.append({"event": "bot", "timestamp": DAY1 + 10, "text": "...", "data": {}, "metadata": meta})
        talk.events.append({"event": "pause", "timestamp": DAY1 + 10 + wait})
        store_events(tracker, f"web-h{n}", talk.events)
    store_events(tracker, "sms-x", routed("roi", "roi_full").events)
    job.run(tracker, store)
    found = figures(store.engine, ALL)
    assert found.handoffs == 3 and found.median_handoff_wait_seconds == 60.0
    row = dict(((s, n), v) for s, n, v in found.rows())
    assert row[("total", "handoffs")] == "3"
    assert figures(store.engine, Filters("2026-12-01", "2026-12-31", channel="sms")).handoffs == 0


def test_unanswered_follow_ups_in_the_figures_and_the_csv(dbs):
    tracker, store = dbs
    seed(tracker)  # five conversations, none with a follow-up nobody answered
    talk = routed("roi", "roi_full").user("can my cat sign it").bot("fallback").bot("fallback")
    store_events(tracker, "sms-f", talk.user("and my parrot").bot("fallback").events)
    store_events(tracker, "web-g", Talk().user(VET).bot("fallback").events)  # can't help, but no topic
    job.run(tracker, store)
    found = figures(store.engine, ALL)
    assert found.conversations == 7 and found.conversations_with_cant_help == 2
    assert (found.unanswered_followups, found.conversations_with_unanswered_followup) == (2, 1)
    assert found.followups_counted == 7 and found.unanswered_followup_rate == pytest.approx(1 / 7)
    row = dict(((s, n), v) for s, n, v in found.rows())
    assert row[("total", "unanswered_followups")] == "2"
    assert row[("total", "conversations_with_unanswered_followup")] == "1"
    assert row[("total", "unanswered_followup_rate")] == "0.143"
    assert figures(store.engine, Filters("2026-12-01", "2026-12-31", channel="web")).unanswered_followups == 0


def test_the_job_keeps_working_on_an_aggregates_database_made_before_the_new_columns(dbs, tmp_path):
    tracker, _ = dbs
    old = tmp_path / "old.db"
    engine = sa.create_engine(f"sqlite:///{old}")
    with engine.begin() as conn:  # the first version's tables: no handoffs, no follow-ups, no group vectors
        conn.execute(
            sa.text(
                "CREATE TABLE conversations (key VARCHAR(64) PRIMARY KEY, day VARCHAR(10) NOT NULL, "
                "channel VARCHAR(8) NOT NULL, language VARCHAR(8) NOT NULL, turns INTEGER NOT NULL, "
                "cant_help INTEGER NOT NULL, emergency INTEGER NOT NULL, neighbour INTEGER NOT NULL, "
                "questions INTEGER NOT NULL, reasked INTEGER NOT NULL, turns_to_department INTEGER, "
                "ended_after_question INTEGER NOT NULL)"
            )
        )
        conn.execute(sa.text('CREATE TABLE unrecognised ("group" VARCHAR(32) PRIMARY KEY, words VARCHAR(1000))'))
        conn.execute(
            sa.text(
                "INSERT INTO conversations VALUES ('old-row', '2026-12-01', 'web', 'en', 3, 1, 0, 0, 0, 0, NULL, 0)"
            )
        )
    engine.dispose()
    store = AnalyticsStore(f"sqlite:///{old}")
    assert "conversations.unanswered_followups" in store.added_columns
    assert "conversations.handoffs" in store.added_columns
    assert AnalyticsStore(f"sqlite:///{old}").added_columns == []  # once
    store_events(tracker, "sms-f", routed("roi", "roi_full").user("can my cat sign it").bot("fallback").events)
    assert job.run(tracker, store)["conversations"] == 1
    found = figures(store.engine, ALL)
    assert found.conversations == 2 and found.turns == 3 + 2
    assert (found.followups_counted, found.conversations_with_unanswered_followup) == (1, 1)
    assert found.unanswered_followup_rate == 1.0  # of the conversations that count them, not of the old row
    store.dispose()


def test_paraphrases_make_one_group_whose_words_wait_for_the_fifth_conversation(dbs):
    tracker, store = dbs
    paraphrases = [
        "vet records for my dog",
        "can I get my dog's vet records",
        "records from the vet for my puppy",
        "my dog's records from the vet",
        "Vet records for my puppy please",
    ]
    for n, text in enumerate(paraphrases[:4]):
        store_events(tracker, f"web-p{n}", Talk().user(text).bot("fallback").events)
    store_events(tracker, "web-u1", Talk().user("school records for my kid").bot("fallback").events)
    store_events(tracker, "web-u2", Talk().user("my parrot's dentist").bot("fallback").events)
    job.run(tracker, store)
    with store.engine.connect() as conn:
        groups = conn.execute(sa.text('SELECT "group", words, messages FROM unrecognised')).all()
        dumped = "\n".join(conn.connection.iterdump()).lower()
    assert sorted(m for _, _, m in groups) == [1, 1, 4]  # the four paraphrases, and each unrelated one alone
    assert all(words is None for _, words, _ in groups)
    for word in ("vet", "dog", "puppy", "record", "school", "parrot", "dentist", "web-"):
        assert word not in dumped  # below 5 conversations no word is stored, not even in the centroids
    assert figures(store.engine, ALL).unrecognised == []
    # the conversation goes on: re-read whole, its message is not counted again
    store_events(tracker, "web-p0", Talk().user("hello").bot("greeting").events[3:])
    job.run(tracker, store)
    with store.engine.connect() as conn:
        assert sorted(conn.execute(sa.text("SELECT messages FROM unrecognised")).scalars()) == [1, 1, 4]
    store_events(tracker, "sms-p4", Talk().user(paraphrases[4]).bot("fallback").events)
    job.run(tracker, store)
    found = figures(store.engine, ALL)
    assert found.unrecognised == [(paraphrases[4], 5)]  # the words of the fifth conversation's own message
    assert "school" not in found.csv() and "parrot" not in found.csv()


def test_a_group_from_before_the_centroids_goes_on(dbs):
    """A database whose groups have no centroid: their conversations are not grouped twice, and they grow."""
    tracker, store = dbs
    for n in range(3):
        store_events(tracker, f"web-{n}", Talk().user(VET).bot("fallback").events)
    job.run(tracker, store)
    with store.engine.begin() as conn:  # as the version before centroids left it
        conn.execute(sa.text("UPDATE unrecognised SET vector = NULL, messages = NULL"))
        conn.execute(sa.text("UPDATE conversations SET unrecognised_grouped = NULL"))
    store.forget_groups()
    store_events(tracker, "web-0", Talk().user("thanks").bot("text").events[3:])  # an old conversation goes on
    store_events(tracker, "web-3", Talk().user("records from the vet for my dog").bot("fallback").events)
    job.run(tracker, store)
    with store.engine.connect() as conn:
        [(messages, vector)] = conn.execute(sa.text("SELECT messages, vector FROM unrecognised")).all()
        assert conn.execute(sa.text("SELECT count(*) FROM unrecognised_seen")).scalar() == 4
    assert messages == 1 and vector  # only the new message: web-0's was grouped before
