"""Finding 2: with ENV=production the SMS channel's example secrets passed, so anyone
could sign a forged text (a forged STOP paused a number's conversation) and work
out a number's conversation id.

Now .env.example holds no SMS secret at all, `make run` fills SMS_SENDER_KEY with
a fresh random value, and production (or any address beyond loopback) refuses
to start while TWILIO_AUTH_TOKEN or SMS_SENDER_KEY is empty, an example value or
too short (Twilio's tokens are 32 characters). A deployment without SMS says
SMS_ENABLED=false: then the webhook answers 404 and needs neither.
"""

from __future__ import annotations

import pytest

from channels.sms_config import SmsSettings
from servers.settings_check import SECRETS, problems

GOOD = {s.name: "a1b2c3d4" * 8 for s in SECRETS}
OLD_EXAMPLES = {
    "TWILIO_AUTH_TOKEN": "change-me-twilio-auth-token",
    "SMS_SENDER_KEY": "change-me-to-a-long-random-string",
}


@pytest.mark.parametrize("name", ["TWILIO_AUTH_TOKEN", "SMS_SENDER_KEY"])
def test_production_refuses_the_old_example_sms_secrets(name):
    found = problems({**GOOD, "ENV": "production", name: OLD_EXAMPLES[name]}, "127.0.0.1")
    assert [p for p in found if p.startswith(name)], found


@pytest.mark.parametrize(
    "value, refused",
    [("", True), ("0123456789abcdef", True), ("a1b2c3d4" * 4, False), ("test-" + "a" * 40, True)],
)
def test_twilio_token_must_look_like_one(value, refused):
    found = problems({**GOOD, "ENV": "production", "TWILIO_AUTH_TOKEN": value}, "127.0.0.1")
    assert bool(found) is refused


def test_sms_switched_off_needs_no_sms_secret():
    config = {**GOOD, "ENV": "production", "SMS_ENABLED": "false", "TWILIO_AUTH_TOKEN": "", "SMS_SENDER_KEY": ""}
    assert problems(config, "0.0.0.0") == []
    assert not SmsSettings.from_env(config).enabled and SmsSettings.from_env(config).problems() == []


def test_a_forged_signature_with_the_old_example_token_is_refused():
    """The signature check itself: a text signed with any other token does not verify."""
    from twilio.request_validator import RequestValidator

    url, params = "https://sms.example.org/webhooks/sms/webhook", {"From": "+15035550100", "Body": "STOP"}
    forged = RequestValidator(OLD_EXAMPLES["TWILIO_AUTH_TOKEN"]).compute_signature(url, params)
    assert not RequestValidator("a1b2c3d4" * 4).validate(url, params, forged)
