"""Server-side SVG bar charts of the dashboard's figures, drawn with matplotlib's SVG backend.

No pyplot (no global state; safe in a server thread), text kept as text
(``svg.fonttype: none``) and no date in the file, so the same figures give the
same bytes. The page shows each chart as an image with a text alternative and the
same numbers in a table next to it.
"""

from __future__ import annotations

import io
from typing import Callable, Dict, List, Tuple

from analytics.report import Figures

BAR = "#0b4f8a"  # the console's blue (contrast 8:1 on white)
Bars = List[Tuple[str, float]]


def _bars(figures: Figures) -> Dict[str, Tuple[str, Bars, str]]:
    """Every chart: name -> (title, bars, unit)."""
    pct = 100.0
    return {
        "channels": ("Conversations by channel", list(figures.by_channel.items()), "conversations"),
        "languages": ("Conversations by language", list(figures.by_language.items()), "conversations"),
        "days": ("Conversations by day", list(figures.by_day.items()), "conversations"),
        "departments": (
            "Share of conversations per department",
            [(k, pct * figures.share(n)) for k, n in figures.departments.items()],
            "%",
        ),
        "routes": (
            "Share of conversations per route",
            [(k, pct * figures.share(n)) for k, n in list(figures.routes.items())[:15]],
            "%",
        ),
        "rates": (
            "Where people are not helped",
            [
                ("got a can't-help answer", pct * figures.cant_help_rate),
                ("had an unanswered follow-up", pct * figures.unanswered_followup_rate),
                ("ended after a question", pct * figures.ended_after_question_rate),
                ("were re-asked a question", pct * figures.share(figures.questions_reasked)),
                ("got an emergency pointer", pct * figures.share(figures.emergency_pointers)),
                ("got a neighbour pointer", pct * figures.share(figures.neighbour_pointers)),
            ],
            "% of conversations",
        ),
    }


CHARTS = ("channels", "languages", "days", "departments", "routes", "rates")


def title_of(figures: Figures, name: str) -> str:
    return _bars(figures)[name][0]


def svg(figures: Figures, name: str) -> bytes:
    """The chart ``name`` (one of CHARTS) as SVG bytes. Raises KeyError for another name.
    The same figures give the same bytes, so the last few are kept (a reload draws nothing)."""
    key = (name, tuple(figures.rows()))
    if key not in _CACHE:
        if len(_CACHE) >= 64:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = _draw(figures, name)
    return _CACHE[key]


_CACHE: Dict[Tuple[str, Tuple[Tuple[str, str, str], ...]], bytes] = {}


def _draw(figures: Figures, name: str) -> bytes:
    import matplotlib
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    title, bars, unit = _bars(figures)[name]
    if not bars:
        bars = [("no data", 0.0)]
    labels = [label for label, _ in bars][::-1]
    values = [value for _, value in bars][::-1]
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "dashboard", "font.size": 10}):
        fig = Figure(figsize=(6.4, 0.45 * len(bars) + 1.1))
        FigureCanvasSVG(fig)
        ax = fig.add_subplot()
        ax.barh(labels, values, color=BAR)
        ax.set_title(title, loc="left", fontsize=11)
        ax.set_xlabel(unit)
        for spine in ("top", "right"):
            ax.spines[spine].set_visible(False)
        top = max(values) if max(values) > 0 else 1
        ax.set_xlim(0, top * 1.18)
        for y, value in enumerate(values):
            ax.text(value + top * 0.01, y, _label(value, unit), va="center", fontsize=9)
        height = fig.get_figheight()
        fig.subplots_adjust(
            left=0.36, right=0.97, top=1 - 0.4 / height, bottom=0.55 / height
        )  # no tight_layout: a draw less
        out = io.BytesIO()
        fig.savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue()


def _label(value: float, unit: str) -> str:
    return f"{value:.1f}%" if unit.startswith("%") else f"{value:.0f}"


Render = Callable[[Figures, str], bytes]
