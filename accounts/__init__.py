"""Agent console accounts: one sign-in per call-center agent instead of a shared one.

Kept out of ``channels/`` so the command (``scripts/agents.py``) and the channel
share it without a Rasa server: ``passwords`` (argon2 hashes), ``throttle``
(slowing down password guessing without locking agents out) and ``store`` (the
SQL tables: accounts, sessions, sign-in failures and the audit log).
"""
