"""action_explain_scope: fallback for out-of-scope and unsure messages.

Never guesses a department. One exception keeps a conversation on track: when
we just asked a question and the message carries the answer ("Spokane" after
"Which part of Washington?") but was not recognised as an answer, the open
request is finished with it.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.action_triage import ActionTriage
from actions.common import content, renderer, send
from triage.vocabulary import facts_from_entities


class ActionExplainScope(Action):
    def name(self) -> Text:
        return "action_explain_scope"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        pending = tracker.get_slot("pending_question")
        if pending and tracker.get_slot("request_type"):
            found = facts_from_entities(content(), tracker.latest_message.get("entities") or [])
            if pending in found:
                return await ActionTriage().run(dispatcher, tracker, domain)
        send(dispatcher, [renderer(tracker).fallback()])
        return []
