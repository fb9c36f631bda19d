"""A local stand-in of Twilio's Messages API on loopback, for tests.

It answers ``POST /2010-04-01/Accounts/<sid>/Messages.json`` the way Twilio does
(HTTP Basic auth with the account SID and auth token; form fields ``To``,
``From``, ``Body``; 201 with the message as JSON), keeps what it received, and
refuses a wrong account or token with 401. The servers reach it through
``TWILIO_API_BASE_URL`` (``handoff/sms_out.py``).
"""

from __future__ import annotations

import base64
import http.server
import json
import threading
import time
import urllib.parse
import uuid
from typing import Dict, List

from servers.local_services import free_port


class TwilioStandIn:
    def __init__(self, account_sid: str, auth_token: str) -> None:
        self.account_sid = account_sid
        self.expected = "Basic " + base64.b64encode(f"{account_sid}:{auth_token}".encode()).decode()
        self.messages: List[Dict[str, str]] = []
        self.refused = 0
        standin = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _answer(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode("utf-8")))
                if self.path != f"/2010-04-01/Accounts/{standin.account_sid}/Messages.json":
                    return self._answer(404, {"code": 20404, "message": "not found", "status": 404})
                if self.headers.get("Authorization") != standin.expected:
                    standin.refused += 1
                    return self._answer(401, {"code": 20003, "message": "Authenticate", "status": 401})
                sid = "SM" + uuid.uuid4().hex
                standin.messages.append(
                    {"To": form.get("To", ""), "From": form.get("From", ""), "Body": form.get("Body", "")}
                )
                self._answer(
                    201,
                    {
                        "sid": sid,
                        "to": form.get("To"),
                        "from": form.get("From"),
                        "body": form.get("Body"),
                        "status": "queued",
                    },
                )

        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, count: int, timeout: float = 30) -> List[Dict[str, str]]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        return list(self.messages)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
