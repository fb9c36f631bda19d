"""Custom actions for the records & forms triage assistant (rasa_sdk action server)."""
