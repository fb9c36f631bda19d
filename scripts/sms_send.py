"""Send one text to the running assistant's SMS webhook, signed the way Twilio signs it.

    .venv/bin/python scripts/sms_send.py "I need my images"
    .venv/bin/python scripts/sms_send.py --from +15035550100 "2"

Reads `.env` (TWILIO_AUTH_TOKEN, SMS_PUBLIC_URL, RASA_PORT), signs the form with
twilio's RequestValidator, posts it to http://localhost:$RASA_PORT/webhooks/sms/webhook
and prints each SMS of the TwiML answer. `--unsigned` sends no signature (the
server must refuse it with 403 unless SMS_VERIFY_SIGNATURE=false).
"""

from __future__ import annotations

import argparse
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from dotenv import dotenv_values
from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parent.parent


def send(base: str, public_url: str, token: Optional[str], number: str, body: str) -> Tuple[int, List[str], str]:
    """Post one text; ``token`` None sends it unsigned. Returns (status, SMS texts, raw reply)."""
    params: Dict[str, str] = {"From": number, "To": "+10000000000", "Body": body, "MessageSid": "SMlocaltest"}
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if token is not None:
        headers["X-Twilio-Signature"] = RequestValidator(token).compute_signature(public_url, params)
    request = urllib.request.Request(
        f"{base}/webhooks/sms/webhook", urllib.parse.urlencode(params).encode("utf-8"), headers
    )
    try:
        with urllib.request.urlopen(request, timeout=90) as response:
            raw = response.read().decode("utf-8")
            return response.status, [m.text or "" for m in ET.fromstring(raw.encode("utf-8"))], raw
    except urllib.error.HTTPError as error:
        return error.code, [], error.read().decode("utf-8", "replace")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("body", help="the text message")
    parser.add_argument("--from", dest="number", default="+15035550100", help="sender's number (only its hash is kept)")
    parser.add_argument("--env-file", type=Path, default=ROOT / ".env")
    parser.add_argument("--unsigned", action="store_true", help="send without X-Twilio-Signature")
    args = parser.parse_args()

    config = {k: v for k, v in dotenv_values(args.env_file).items() if v is not None}
    config.update({k: v for k, v in os.environ.items() if k in config})
    base = f"http://localhost:{config.get('RASA_PORT', '5005')}"
    token = None if args.unsigned else config.get("TWILIO_AUTH_TOKEN", "")
    status, messages, raw = send(base, config.get("SMS_PUBLIC_URL", ""), token, args.number, args.body)
    if status != 200:
        print(f"HTTP {status}: {raw.strip()}", file=sys.stderr)
        return 1
    if not messages:
        print("(no reply: empty <Response/>)")
    for i, text in enumerate(messages, 1):
        print(f"--- SMS {i}/{len(messages)} ({len(text)} characters)\n{text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
