"""Questions about administrative procedures, answered from ``knowledge.facade``.

The procedure of the last answer is kept in `current_procedure`: a follow-up such as "còn lệ phí thì
sao?" or "làm online được không?" names no procedure, so when the question alone does not point
clearly at another procedure the answer stays on the current one. When two procedures are close the
bot asks which one with buttons whose payload is ``/ask_procedure{"procedure": "<code>"}``.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import OffLoopAction, entity_values, latest_text
from knowledge import facade as knowledge
from vietnam.text import fold

logger = logging.getLogger(__name__)

# A search hit scoring at least this names a procedure on its own. knowledge.search scores are unbounded
# (BM25-like): a question naming a procedure scores 20-170, a bare follow-up ("còn lệ phí thì sao?",
# "mất bao lâu") below 6.
CONFIDENT_SCORE = 10.0
MAX_CHOICES = 4

NOT_FOUND_MESSAGE = (
    "Dạ, em chưa tìm thấy thủ tục phù hợp với câu hỏi. Anh/chị nói rõ tên thủ tục giúp em "
    '(ví dụ: "đăng ký khai sinh", "cấp phiếu lý lịch tư pháp", "đổi giấy phép lái xe") ạ. '
    'Nếu cần, anh/chị nhắn "gặp tổng đài viên" để được hỗ trợ trực tiếp.'
)
FAILED_MESSAGE = (
    "Dạ, em xin lỗi, hệ thống tra cứu thủ tục đang gián đoạn. Anh/chị vui lòng thử lại sau ít phút "
    'hoặc nhắn "gặp tổng đài viên" ạ.'
)


class ActionAnswerProcedure(OffLoopAction):
    def name(self) -> str:
        return "action_answer_procedure"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        try:
            return self._answer(dispatcher, tracker)
        except Exception:
            logger.exception("procedure answer failed for conversation %s", tracker.sender_id)
            dispatcher.utter_message(text=FAILED_MESSAGE)
            return []

    def _answer(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        text = latest_text(tracker)
        mentioned = entity_values(tracker, "procedure")
        current = tracker.get_slot("current_procedure")

        # A disambiguation button: the entity carries the procedure code itself.
        chosen = next((v for v in mentioned if knowledge.get_procedure(v) is not None), None)
        if chosen:
            question = tracker.get_slot("procedure_question") or ""
            return self._reply(dispatcher, chosen, knowledge.detect_aspect(question))

        query = " ".join([text, *(m for m in mentioned if fold(m) not in fold(text))]).strip()
        hits = knowledge.search_procedures(query, limit=5) if query else []
        aspect = knowledge.detect_aspect(text)

        # A follow-up: no procedure named and nothing in the question points clearly elsewhere.
        if (
            current
            and not mentioned
            and (not hits or hits[0].score < CONFIDENT_SCORE or hits[0].code == current)
        ):
            return self._reply(dispatcher, current, aspect)

        if not hits:
            dispatcher.utter_message(text=NOT_FOUND_MESSAGE)
            return []
        if knowledge.is_ambiguous(hits):
            choices = hits[:MAX_CHOICES]
            dispatcher.utter_message(
                text="Dạ, anh/chị đang hỏi về thủ tục nào dưới đây ạ?",
                buttons=[
                    {"title": hit.name, "payload": f'/ask_procedure{{"procedure": "{hit.code}"}}'}
                    for hit in choices
                ],
            )
            return [SlotSet("procedure_question", text)]
        return self._reply(dispatcher, hits[0].code, aspect)

    @staticmethod
    def _reply(dispatcher: CollectingDispatcher, code: str, aspect: str) -> list[EventType]:
        dispatcher.utter_message(text=knowledge.answer(code, aspect))
        return [SlotSet("current_procedure", code), SlotSet("procedure_question", None)]
