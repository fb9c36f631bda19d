"""action_explain_rights: answer a legal-rights question (access, refusal, format,
free copies, codes, corrections, complaints) for the person's state."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import latest_intent
from actions.rights_flow import topic
from triage.rights import TOPIC_FOR_INTENT


class ActionExplainRights(Action):
    def name(self) -> Text:
        return "action_explain_rights"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        return topic(dispatcher, tracker, TOPIC_FOR_INTENT.get(latest_intent(tracker), "access"))
