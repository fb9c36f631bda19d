"""action_triage: decide the department for the request and answer it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import content, fact_events, gather_facts, renderer, send
from actions.rights_flow import continue_pending
from triage.engine import INTENT_FOR_REQUEST, NoRoute, Question, Route, infer_requests, request_from_entities, triage


class ActionTriage(Action):
    def name(self) -> Text:
        return "action_triage"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        # "Washington" or "March 3" may answer an open rights question
        finished = continue_pending(dispatcher, tracker)
        if finished is not None:
            return finished
        return self.answer(dispatcher, tracker)

    @staticmethod
    def answer(
        dispatcher: CollectingDispatcher, tracker: Tracker, request: Optional[str] = None
    ) -> List[Dict[Text, Any]]:
        """Decide and answer; ``request`` overrides the one the intent names."""
        request, facts = gather_facts(tracker, request)
        if request is None:
            # a bare "dental x-rays" with nothing asked: that is the request
            request = request_from_entities(facts)
            facts = replace(facts, request=request)
        render = renderer(tracker)
        requests = infer_requests(request, facts)
        if not requests:
            # An answer to a question nobody asked: say what we can do instead.
            send(dispatcher, [render.fallback()])
            return [SlotSet("pending_question", None)]

        events = fact_events(facts)
        decision = triage(facts, content())
        if isinstance(decision, Route):
            send(dispatcher, render.route(decision))
            events += [
                SlotSet("department", decision.department),
                SlotSet("route", decision.route_id),
                SlotSet("pending_question", None),
            ]
        elif isinstance(decision, Question):
            send(dispatcher, [render.question(decision)])
            events += [
                SlotSet("department", None),
                SlotSet("route", None),
                SlotSet("pending_question", decision.slot),
            ]
        elif isinstance(decision, NoRoute):  # pragma: no cover - requests is not empty here
            send(dispatcher, [render.fallback()])

        # Other requests named in the same message get their own answer, after the first.
        for extra in requests[1:]:
            extra_decision = triage(replace(facts, request=extra), content())
            send(dispatcher, [render.also()])
            if isinstance(extra_decision, Route):
                send(dispatcher, render.route(extra_decision))
            elif isinstance(extra_decision, Question):
                send(dispatcher, [render.question(extra_decision, intent=INTENT_FOR_REQUEST[extra])])
        return events
