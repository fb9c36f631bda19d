"""SMS settings from .env and the loud warning `make run` (servers/serve.py) prints."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from dotenv import dotenv_values

from channels.sms_config import MIN_KEY_LENGTH, SmsSettings
from servers.local_services import free_port
from servers.serve import sms_warnings, warn_loudly

ROOT = Path(__file__).resolve().parents[2]
GOOD = {
    "SMS_PUBLIC_URL": "https://sms.example.org/webhooks/sms/webhook",
    "TWILIO_AUTH_TOKEN": "token",
    "SMS_SENDER_KEY": "k" * MIN_KEY_LENGTH,
    "SMS_VERIFY_SIGNATURE": "true",
}


def test_good_settings_raise_no_warning():
    assert sms_warnings(GOOD) == []


def test_each_unsafe_or_missing_setting_is_named():
    assert "SMS_VERIFY_SIGNATURE" in " ".join(sms_warnings({**GOOD, "SMS_VERIFY_SIGNATURE": "false"}))
    assert "TWILIO_AUTH_TOKEN" in " ".join(sms_warnings({**GOOD, "TWILIO_AUTH_TOKEN": ""}))
    assert "SMS_PUBLIC_URL" in " ".join(sms_warnings({**GOOD, "SMS_PUBLIC_URL": ""}))
    assert "SMS_SENDER_KEY" in " ".join(sms_warnings({**GOOD, "SMS_SENDER_KEY": "short"}))
    # an old .env without any SMS setting: the server still starts, the SMS channel says why it refuses
    assert len(sms_warnings({})) == 3


def test_env_example_is_safe_and_complete():
    example = dotenv_values(ROOT / ".env.example")
    settings = SmsSettings.from_env(example)
    assert settings.verify_signature and settings.enabled and settings.public_url
    # no example secret: empty in the example, filled with fresh random values in .env by scripts/make_env.py
    assert example["TWILIO_AUTH_TOKEN"] == "" and example["SMS_SENDER_KEY"] == ""
    assert not settings.can_identify_senders


def test_warning_is_loud(capsys):
    warn_loudly(sms_warnings({**GOOD, "SMS_VERIFY_SIGNATURE": "off"}))
    err = capsys.readouterr().err
    assert "!!!!!!!!" in err and "WARNING" in err and "ANYONE" in err


@pytest.mark.live  # starts both servers (and stops them at once)
def test_make_run_warns_when_the_signature_check_is_off(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text(
        f"RASA_AUTH_TOKEN=t\nRASA_PORT={free_port()}\nACTION_PORT={free_port()}\nTRACKER_DB={tmp_path / 't.db'}\n"
        "LOG_LEVEL=WARNING\nSMS_VERIFY_SIGNATURE=false\nSMS_SENDER_KEY=0123456789abcdef0123\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMS_", "TWILIO_"))}
    # --startup-timeout 0: serve.py prints its warnings, starts, gives up at once and stops both servers
    result = subprocess.run(
        [sys.executable, "-m", "servers.serve", "--env-file", str(env_file), "--startup-timeout", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "SMS_VERIFY_SIGNATURE is off" in result.stderr and "!!!!!!!!" in result.stderr
