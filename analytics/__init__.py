"""Analytics for supervisors: per-conversation aggregates with no identifiers and no user text.

- ``aggregate``: pure functions, tracker events (dicts as Rasa stores them) -> one row per conversation;
- ``groups``: the "can't help" messages grouped by TF-IDF similarity over keyed-hash buckets (no words);
- ``store``: the aggregates database (SQLAlchemy; ANALYTICS_DB, default var/analytics.db);
- ``job``: ``python -m analytics.job``, the incremental job that reads the tracker store;
- ``report``: the figures for a date range (the dashboard, the CSV and ``python -m analytics.report``);
- ``charts``: server-side SVG bar charts (matplotlib's SVG backend).
"""
