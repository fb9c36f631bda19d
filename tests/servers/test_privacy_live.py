"""A real conversation full of identifiers: none of them reaches the tracker store or a log.

The Rasa server runs with --debug (its most talkative level), so this also shows
the text is masked before anything is logged, not only that INFO is quiet.
"""

from __future__ import annotations

import re

from tests.servers.live import text

SENDER = "prod-privacy"
TURNS = [
    "my lawyer needs my medical records, my SSN is 123-45-6789",
    "you can reach me at (971) 555-0187 or jane.roe@example.net",
    "I was born on 04/12/1987 and my MRN is Q7730215",
    "my card is 4111 1111 1111 1111 for the fee",
    "I sent my records request on March 3 in Fresno, what's the legal deadline?",
]
# each identifier as typed and as bare digits (a store could keep either)
IDENTIFIERS = [
    "123-45-6789",
    "123456789",
    "555-0187",
    "9715550187",
    "jane.roe",
    "example.net",
    "04/12/1987",
    "Q7730215",
    "7730215",
    "4111 1111 1111 1111",
    "4111111111111111",
]


def test_identifiers_never_reach_the_store_or_the_logs(stack):
    replies = []
    for turn in TURNS:
        status, reply, _ = stack.say(SENDER, turn)
        assert status == 200
        replies.append(reply)

    # the assistant still understood: a records request, then a California deadline from "March 3"
    assert stack.tracker(SENDER)["slots"]["department"] == "roi"
    assert "California" in text(replies[-1]) and "15 days" in text(replies[-1])

    tracker = stack.tracker(SENDER)
    said = [e["text"] for e in tracker["events"] if e["event"] == "user"]
    assert said[0] == "my lawyer needs my medical records, my SSN is [ssn]"
    assert "[phone]" in said[1] and "[email]" in said[1]
    assert "[date of birth]" in said[2] and "[record number]" in said[2]
    assert "March 3" in said[4]

    stored = b"".join(p.read_bytes() for p in stack.tmp.glob("tracker.db*"))
    assert SENDER.encode() in stored and b"[ssn]" in stored  # the conversation is there, masked
    logs = "\n".join(p.read_text(errors="replace") for p in stack.logs)
    assert "[ssn]" in logs  # --debug logs the (masked) message text
    for identifier in IDENTIFIERS:
        assert identifier.encode() not in stored, identifier
        assert identifier not in logs, identifier
    assert not re.search(r"\d{3}-\d{2}-\d{4}", logs)
