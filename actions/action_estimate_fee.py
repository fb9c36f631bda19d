"""action_estimate_fee: what copies may cost: the fee rules, or the computed amount when the message gives a page count."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.rights_flow import fee_estimate


class ActionEstimateFee(Action):
    def name(self) -> Text:
        return "action_estimate_fee"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        return fee_estimate(dispatcher, tracker)
