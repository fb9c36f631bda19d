"""The widget channel's input checks (no server needed)."""

from __future__ import annotations

from channels.web import SENDER


def test_sender_ids_are_widget_ids_only():
    assert SENDER.fullmatch("web-0f8e2c1a-1b2c-4d5e-8f90-123456789abc")
    assert not SENDER.fullmatch("agent-call-1234")  # cannot write into an agent's call
    assert not SENDER.fullmatch("web-<script>")
    assert not SENDER.fullmatch("web-" + "a" * 81)
