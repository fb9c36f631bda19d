"""Answers worded for a call-center agent (the agent console, channel ``agent``).

Same decisions and facts as :class:`triage.render.Renderer`; only the wording and
the split differ: questions say "Ask the caller …" (content/agent.yml), and a
route's answer is what to read out (summary, steps, time and cost) plus the card,
from which the console shows the checklist and the contacts.
"""

from __future__ import annotations

from typing import List

from triage.content_schema import AgentWording, Content
from triage.engine import Question, Route
from triage.render import Renderer, Reply


class AgentRenderer(Renderer):
    def __init__(self, content: Content, wording: AgentWording, language: str = "en") -> None:
        super().__init__(content, language)
        self.wording = wording

    def question(self, question: Question, intent: str = "inform") -> Reply:
        reply = super().question(question, intent)
        return Reply(self.fill(self.wording.questions[question.slot]), reply.buttons, reply.card)

    def route(self, route: Route) -> List[Reply]:
        replies = super().route(route)
        # The console shows "what to include" and the contacts from the card.
        skip = set()
        if route.spec.include:
            skip.add(self.include_text(route))
        if route.contacts:
            skip.add(self.contacts_text(route))
        return [r for r in replies if r.text not in skip]

    def fallback(self) -> Reply:
        return Reply(self.fill(self.wording.fallback), self.topic_buttons())
