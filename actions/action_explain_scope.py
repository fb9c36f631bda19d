"""action_explain_scope: fallback for out-of-scope and unsure messages.

Never guesses a department. Two exceptions keep a conversation on track: when
we just asked a question and the message carries the answer ("Spokane" after
"Which part of Washington?") but was not recognised as an answer, the open
request is finished with it; and when NLU was unsure (nlu_fallback, not a
confident out_of_scope) but the message names an image kind, a leave program or
a specific kind of record, that request is answered.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.action_triage import ActionTriage
from actions.common import latest_intent, message_facts, renderer, send
from actions.rights_flow import continue_pending
from triage.engine import request_from_entities


class ActionExplainScope(Action):
    def name(self) -> Text:
        return "action_explain_scope"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        finished = continue_pending(dispatcher, tracker)
        if finished is not None:
            return finished
        pending = tracker.get_slot("pending_question")
        said = message_facts(tracker)
        if pending and tracker.get_slot("request_type") and getattr(said, pending, None):
            return ActionTriage.answer(dispatcher, tracker)
        if latest_intent(tracker) == "nlu_fallback":
            named = request_from_entities(said)
            if named:
                # unsure of the wording, but it names an image kind or a leave program
                return ActionTriage.answer(dispatcher, tracker, named)
        send(dispatcher, [renderer(tracker).fallback()])
        return []
