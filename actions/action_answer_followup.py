"""action_answer_followup: "what's their number?", "how long?", "how much?"... for the route in context."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.action_triage import ActionTriage
from actions.common import current_route, latest_intent, message_facts, renderer, send
from triage.engine import request_from_entities

TOPIC_FOR_INTENT = {
    "ask_contact": "contact",
    "ask_hours": "hours",
    "ask_cost": "cost",
    "ask_time_frame": "time",
    "ask_what_to_include": "include",
}


class ActionAnswerFollowup(Action):
    def name(self) -> Text:
        return "action_answer_followup"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        topic = TOPIC_FOR_INTENT.get(latest_intent(tracker) or "", "contact")
        route = current_route(tracker)
        if route is None:
            named = request_from_entities(message_facts(tracker))
            if named:
                # "what do I need for bonding leave?" with nothing in context: answer that request
                return ActionTriage.answer(dispatcher, tracker, named)
        send(dispatcher, [renderer(tracker).followup(topic, route)])
        return []
