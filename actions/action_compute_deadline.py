"""action_compute_deadline: the legal deadline, or the due dates when the message says when the request was sent."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.rights_flow import deadline


class ActionComputeDeadline(Action):
    def name(self) -> Text:
        return "action_compute_deadline"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        return deadline(dispatcher, tracker)
