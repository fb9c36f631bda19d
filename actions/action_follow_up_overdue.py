"""action_follow_up_overdue: a late request: check My requests, contact ROI, then the deadline and, if it passed, how to complain."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.rights_flow import overdue


class ActionFollowUpOverdue(Action):
    def name(self) -> Text:
        return "action_follow_up_overdue"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        return overdue(dispatcher, tracker)
