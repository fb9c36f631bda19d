"""Handing a chat or a text to a person (docs/handoff.md).

- ``core``: the queue's rules (states, taking, ending, timeouts, the wait to show); pure;
- ``hours``: whether a team is staffed at a moment, from ``content/handoff.yml``; pure;
- ``content``: loads and checks ``content/handoff.yml`` (teams, hours, words);
- ``phone``: the texter's number, encrypted while the handoff is open;
- ``store``: the queue in SQL (SQLite by default, PostgreSQL when configured);
- ``service``: what the channels call (ask, status, take, reply, end), no Rasa;
- ``conversation``: the Rasa side (pause / resume and agent messages in the tracker);
- ``web_routes``, ``console_routes``, ``sms_out``: thin HTTP handlers and the Twilio sender.
"""
