"""action_offer_records_letter: a records-request letter citing the law, with blanks for what we never ask in chat."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.rights_flow import letter


class ActionOfferRecordsLetter(Action):
    def name(self) -> Text:
        return "action_offer_records_letter"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        return letter(dispatcher, tracker)
