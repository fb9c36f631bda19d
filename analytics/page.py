"""The supervisors' dashboard page (``/agent/dashboard``) as HTML. Pure: figures in, text out.

Every value goes through ``html.escape``; the page has no script, only the
console's stylesheet, and its charts are SVG images served by the same server
(``/agent/dashboard/chart/<name>.svg``) with the numbers in a table beside each.
"""

from __future__ import annotations

from html import escape
from typing import Dict, List, Sequence, Tuple
from urllib.parse import urlencode

from analytics.aggregate import CHANNELS
from analytics.charts import CHARTS, title_of
from analytics.groups import THRESHOLD
from analytics.report import Figures, Filters

TABLE_OF = {  # chart -> the figures of its table and the table's first column
    "channels": ("by_channel", "channel"),
    "languages": ("by_language", "language"),
    "days": ("by_day", "day"),
    "departments": ("departments", "department"),
    "routes": ("routes", "route"),
}


def query(filters: Filters) -> str:
    params = {"from": filters.start, "to": filters.end}
    if filters.channel:
        params["channel"] = filters.channel
    if filters.language:
        params["language"] = filters.language
    return urlencode(params)


def _pct(share: float) -> str:
    return f"{100 * share:.1f}%"


def _table(caption: str, head: Tuple[str, ...], rows: Sequence[Tuple[str, ...]]) -> str:
    if not rows:
        return f'<p class="ac-empty">{escape(caption)}: none in this range.</p>'
    out = [f'<table class="db-table"><caption>{escape(caption)}</caption><thead><tr>']
    out += [f'<th scope="col">{escape(h)}</th>' for h in head]
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _counts(figures: Figures, name: str) -> str:
    attribute, column = TABLE_OF[name]
    values: Dict[str, int] = getattr(figures, attribute)
    rows = [(key, str(n), _pct(figures.share(n))) for key, n in values.items()]
    return _table(title_of(figures, name), (column, "conversations", "share"), rows)


def _counted_in(figures: Figures) -> str:
    """Rows made before unanswered follow-ups were counted do not count them: say so."""
    if figures.followups_counted == figures.conversations:
        return ""
    return f"; counted in {figures.followups_counted} of {figures.conversations} conversations"


def _rates(figures: Figures) -> str:
    rows = [
        ("got a can't-help answer", figures.conversations_with_cant_help, figures.cant_help_rate),
        (
            "had an unanswered follow-up",
            figures.conversations_with_unanswered_followup,
            figures.unanswered_followup_rate,
        ),
        ("ended after a question", figures.ended_after_question, figures.ended_after_question_rate),
    ]
    return _table(
        title_of(figures, "rates"),
        ("conversations that", "conversations", "share"),
        [(what, str(n), _pct(share)) for what, n, share in rows],
    )


def render(figures: Figures, languages: List[str], user: str) -> str:
    f = figures.filters
    q = escape(query(f))
    channel_options = "".join(
        f'<option value="{c}"{" selected" if f.channel == c else ""}>{c}</option>' for c in CHANNELS
    )
    language_options = "".join(
        f'<option value="{escape(code)}"{" selected" if f.language == code else ""}>{escape(code)}</option>'
        for code in sorted(set(languages) | ({f.language} if f.language else set()))
    )
    totals = [
        ("Conversations", str(figures.conversations)),
        ("Turns (messages from people)", str(figures.turns)),
        (
            "Conversations that got a can't-help answer",
            f"{figures.conversations_with_cant_help} ({_pct(figures.cant_help_rate)})",
        ),
        ("Can't-help answers", str(figures.cant_help_replies)),
        (
            "Conversations with an unanswered follow-up (can't help after a topic was answered)",
            f"{figures.conversations_with_unanswered_followup} ({_pct(figures.unanswered_followup_rate)})"
            + _counted_in(figures),
        ),
        ("Unanswered follow-ups (messages)", str(figures.unanswered_followups)),
        ("Clarifying questions asked", str(figures.questions_asked)),
        ("Questions asked again", str(figures.questions_reasked)),
        (
            "Ended right after a clarifying question",
            f"{figures.ended_after_question} ({_pct(figures.ended_after_question_rate)})",
        ),
        ("Emergency or crisis pointers", str(figures.emergency_pointers)),
        ("Neighbour pointers (appointments, bills...)", str(figures.neighbour_pointers)),
        ("Conversations that reached a department", str(figures.reached_department)),
        (
            "Median turns to a department",
            "none" if figures.median_turns_to_department is None else f"{figures.median_turns_to_department:g}",
        ),
        ("Handoffs to a person", "not available yet" if figures.handoffs is None else str(figures.handoffs)),
        (
            "Median wait for a person",
            "none" if figures.median_handoff_wait_seconds is None else f"{figures.median_handoff_wait_seconds:.0f} s",
        ),
    ]
    dl = "".join(f"<div><dt>{escape(k)}</dt><dd>{escape(v)}</dd></div>" for k, v in totals)
    charts = []
    for name in CHARTS:
        title = title_of(figures, name)
        table = _counts(figures, name) if name in TABLE_OF else _rates(figures) if name == "rates" else ""
        charts.append(
            f'<section class="db-chart" aria-labelledby="db-{name}"><h2 id="db-{name}">{escape(title)}</h2>'
            f'<img src="/agent/dashboard/chart/{name}.svg?{q}" alt="Bar chart: {escape(title)}; the numbers are in the table and the totals." '
            f'width="640">{table}</section>'
        )
    unrecognised = _table(
        f"Messages that got a can't-help answer (masked; only groups of at least {THRESHOLD} conversations)",
        ("words (masked)", "conversations"),
        [(words, str(n)) for words, n in figures.unrecognised],
    )
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Dashboard: records and forms assistant</title>
<link rel="stylesheet" href="/agent/agent.css">
</head>
<body>
<header class="ac-top">
  <h1>Dashboard</h1>
  <p class="ac-user">Signed in as {escape(user)} (supervisor)</p>
  <a class="db-link" href="/agent/">Back to the console</a>
</header>
<main class="ac-main">
<form class="db-filters" method="get" action="/agent/dashboard">
  <label for="db-from">From</label><input id="db-from" name="from" type="date" value="{escape(f.start)}">
  <label for="db-to">To</label><input id="db-to" name="to" type="date" value="{escape(f.end)}">
  <label for="db-channel">Channel</label><select id="db-channel" name="channel"><option value="">all</option>{channel_options}</select>
  <label for="db-language">Language</label><select id="db-language" name="language"><option value="">all</option>{language_options}</select>
  <button type="submit">Show</button>
  <a class="db-link" href="/agent/dashboard.csv?{q}" download>Download CSV</a>
</form>
<section aria-labelledby="db-totals"><h2 id="db-totals">{escape(f.start)} to {escape(f.end)}, channel {escape(f.channel or "all")}, language {escape(f.language or "all")}</h2>
<dl class="db-totals">{dl}</dl></section>
<div class="db-charts">{"".join(charts)}</div>
<section aria-labelledby="db-unrecognised"><h2 id="db-unrecognised">What people asked that we could not help with</h2>{unrecognised}</section>
<p class="db-note">Counted from aggregates without identifiers or message text (docs/analytics.md). Updated by <code>make analytics</code>.</p>
</main>
</body>
</html>
"""
