"""Rights answers, fee estimates, due dates, the overdue path and the letter,
as the replies a person reads. Plain text (SMS-safe) plus buttons; the letter
is a ``letter`` part whose card the channels show or reword (channels/render.py).
All words from content.
"""

from __future__ import annotations

import datetime as dt
from typing import List, Optional

from triage.deadlines import DueDate, legal_deadline_passed
from triage.engine import default_region
from triage.fees import FeeEstimate, FeeLine, money
from triage.letter import LetterDraft, join_laws
from triage.render import Button, Renderer, Reply
from triage.rights import FEDERAL, RightsAnswer, answer

PURPOSE_TOPIC = "free_copies"


# Day and month names for dates in answers, by language (English: the C locale's).
DAYS = {"es": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")}
MONTHS = {
    "es": (
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    )
}
# A fee line's words ("30 pages x <price>", "clerical fee") in languages other than English.
FEE_WORDS = {"es": {"pages": "páginas", "clerical": "cargo por trabajo de oficina"}}


def format_date(day: dt.date, language: str = "en") -> str:
    if language in DAYS:
        return f"{DAYS[language][day.weekday()]} {day.day} de {MONTHS[language][day.month - 1]} de {day.year}"
    return f"{day:%a}, {day:%b} {day.day}, {day.year}"


def fee_line_label(line: FeeLine, language: str = "en") -> str:
    words = FEE_WORDS.get(language)
    if words is None:
        return line.label
    if line.pages is None or line.rate is None:
        return words["clerical"]
    return f"{line.pages} {words['pages']} x {money(line.rate)}"


class RightsRenderer(Renderer):
    def phrase(self, key: str, **runtime) -> str:
        return self.fill(self.content.rights.phrases[key], **runtime)

    def state_name(self, jurisdiction: Optional[str]) -> str:
        return self.content.rights.jurisdictions[jurisdiction or FEDERAL].short.get(self.language)

    def disclaimer(self) -> str:
        return self.fill(self.content.messages.disclaimer["rights"])

    def next_buttons(self, keys: List[str]) -> List[Button]:
        steps = self.content.rights.next_steps
        return [Button(steps[k].label.get(self.language), f"/{steps[k].intent}") for k in keys]

    # -- questions ------------------------------------------------------------
    def state_question(self) -> Reply:
        spec = self.content.rights.questions["state"]
        return Reply(
            self.fill(spec.text), self.option_buttons(spec.options), part="choices", data={"question": "state"}
        )

    def ask(self, key: str) -> Reply:
        return Reply(self.fill(self.content.rights.questions[key].text), part="choices", data={"question": key})

    # -- rights topics ---------------------------------------------------------
    def rights_lines(self, result: RightsAnswer, stated: bool) -> List[str]:
        rights = self.content.rights
        lines = []
        if result.follows_federal:
            lines.append(self.fill(rights.follows_federal, state=self.state_name(result.asked_for)))
        name = rights.jurisdictions[result.jurisdiction].name.get(self.language)
        lines.append(f"{name}: {self.fill(result.text)}")
        if result.policy:
            lines.append(self.fill(result.policy))
        if not stated:
            lines.append(self.phrase("federal_when_unsure"))
        return lines

    def rights(self, result: RightsAnswer, stated: bool = True, with_next: bool = True) -> Reply:
        lines = self.rights_lines(result, stated) + [self.disclaimer()]
        return Reply("\n".join(lines), self.next_buttons(result.next) if with_next else [])

    # -- fees --------------------------------------------------------------------
    def fee_estimate(self, est: FeeEstimate, stated: bool = True) -> Reply:
        state = self.state_name(est.jurisdiction)
        lines: List[str] = []
        if est.free_reason:
            free = answer(self.content, PURPOSE_TOPIC, est.jurisdiction)
            lines.append(self.phrase("fee_free_case", reason=self.fill(free.text)))
        if est.pages == 0:
            lines.append(self.phrase("fee_no_pages"))
        elif est.schedule == "per_page":
            lines.append(self.phrase("fee_heading", state=state, pages=f"{est.pages:,}"))
            lines += [f"{fee_line_label(line, self.language)} = {money(line.amount)}" for line in est.lines]
            assert est.total is not None  # a per-page estimate always has its total
            total = money(est.total)
            if est.plus_clerical_cost:
                total += " " + self.phrase("fee_plus_clerical")
            lines.append(self.phrase("fee_total", total=total))
        else:
            lines.append(self.phrase("fee_cost_based", state=state))
        lines += [self.phrase(key) for key in est.policy]
        if not stated:
            lines.append(self.phrase("federal_when_unsure"))
        lines.append(self.disclaimer())
        return Reply("\n".join(lines), self.next_buttons(["free_copies", "how_to_ask"]))

    # -- deadlines ---------------------------------------------------------------
    def due_dates(self, asked_on: dt.date, dates: List[DueDate], stated: bool = True, with_next: bool = True) -> Reply:
        lines = [self.phrase("dates_heading", date=format_date(asked_on, self.language))]
        for d in dates:
            unit = self.phrase(f"unit_{d.unit}")
            line = f"- {self.fill(d.label)} ({d.days} {unit}): {format_date(d.due, self.language)}"
            if d.passed:
                line += " " + self.phrase("dates_passed")
            lines.append(line)
        lines.append(self.phrase("dates_note"))
        if not stated:
            lines.append(self.phrase("federal_when_unsure"))
        lines.append(self.disclaimer())
        buttons = self.next_buttons(["overdue", "letter"]) if with_next else []
        return Reply("\n".join(lines), buttons)

    # -- overdue -----------------------------------------------------------------
    def overdue_steps(self, region: Optional[str] = None) -> Reply:
        """How to chase a request: the portal, then the ROI of ``region`` (default: the default region's)."""
        roi = self.content.departments["roi"].contacts
        # to chase a request: the quick ways (phone, email), not the mailing address
        contacts = [
            f"- {self.contact_line(c)}"
            for c in roi[region or default_region(self.content)]
            if self.content.contacts[c].kind in ("phone", "email")
        ]
        lines = [
            self.phrase("overdue_intro"),
            f"1. {self.phrase('overdue_step_portal')}",
            f"2. {self.phrase('overdue_step_roi')}",
            *contacts,
        ]
        return Reply("\n".join(lines))

    def overdue_status(
        self, jurisdiction: Optional[str], asked_on: dt.date, dates: List[DueDate], stated: bool
    ) -> List[Reply]:
        replies = [self.due_dates(asked_on, dates, stated, with_next=False)]
        if legal_deadline_passed(dates):
            complaint = answer(self.content, "complaint", jurisdiction)
            text = "\n".join([self.phrase("overdue_passed")] + self.rights_lines(complaint, True))
            replies.append(Reply(text, self.next_buttons(["letter"])))
        else:
            replies.append(Reply(self.phrase("overdue_not_passed"), self.next_buttons(["letter"])))
        return replies

    # -- letter ------------------------------------------------------------------
    def letter(self, draft: LetterDraft) -> Reply:
        """The whole letter as text (for channels that show only text), and as a card
        with its blanks and the law it cites; each channel decides how to show it."""
        laws = join_laws(draft.laws, self.language)
        return Reply(
            f"{self.phrase('letter_offer', send_to=self.send_to(draft.region))}\n\n{draft.title}\n{draft.text}",
            card={**draft.payload(), "laws": laws},
            part="letter",
        )

    def send_to(self, region: Optional[str]) -> str:
        """Where to send the letter: the ROI of ``region`` (default: the default region's)."""
        return self.fill(self.content.rights.letter.send_to[region or default_region(self.content)])

    def letter_words(self, kind: str, laws: str, region: Optional[str] = None) -> str:
        """What a channel says instead of the whole letter text: ``offer`` (the
        letter is shown as a card), ``readout`` (an agent reads it out) or ``short``
        (what to write, for SMS); each sends it to ``region``'s ROI."""
        send_to = self.send_to(region)
        if kind == "readout":
            return self.fill(self.content.rights.letter.readout, laws=laws, send_to=send_to)
        return self.phrase("letter_sms" if kind == "short" else "letter_offer", law=laws, send_to=send_to)
