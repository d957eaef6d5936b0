"""Where to go and whom to call: answered from the directory (ticketing.directory, vietnam.places).

The directory has verified names of the commune/ward service centres and People's Committees but no
verified addresses or phone numbers, so the bot names the right office and says honestly that it
cannot give its address; it never invents one.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.common import OffLoopAction, entity_values, latest_text
from ticketing.directory import Agency, load_agencies
from vietnam.places import find_places, resolve_place

MAX_PLACE_BUTTONS = 8

NATIONAL_PORTAL = "https://dichvucong.gov.vn"
NO_ADDRESS_NOTE = (
    "Hiện em chưa có địa chỉ và số điện thoại đã được xác minh của cơ quan này nên không dám cung cấp "
    'để tránh sai sót ạ. Anh/chị có thể nhắn "gặp tổng đài viên" để được tổng đài viên 1022 hướng dẫn, '
    f"hoặc tra cứu nơi tiếp nhận của từng thủ tục trên Cổng Dịch vụ công quốc gia {NATIONAL_PORTAL}."
)
GENERAL_ANSWER = (
    "Dạ, hồ sơ thủ tục hành chính cấp xã được tiếp nhận tại Trung tâm Phục vụ hành chính công của "
    "xã/phường nơi anh/chị cư trú; thủ tục cấp tỉnh tại Trung tâm Phục vụ hành chính công tỉnh Đồng Tháp. "
    "Anh/chị cho em biết xã/phường của mình để em chỉ đúng nơi ạ. " + NO_ADDRESS_NOTE
)


def _service_centre(area_code: str) -> Agency | None:
    return next(
        (a for a in load_agencies() if a.area_code == area_code and a.kind == "service_centre"),
        None,
    )


class ActionContactInfo(OffLoopAction):
    def name(self) -> str:
        return "action_contact_info"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return self.answer(dispatcher, tracker)

    @staticmethod
    def answer(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        text = latest_text(tracker)
        place = next((p for p in (resolve_place(v) for v in entity_values(tracker, "location")) if p), None)
        matches = find_places(text)
        if place is None:
            place = next((m.place for m in matches if m.place is not None), None)
        if place is None:
            ambiguous = next((m for m in matches if m.candidates), None)
            if ambiguous:
                candidates = ambiguous.candidates[:MAX_PLACE_BUTTONS]
                names = ", ".join(p.name for p in candidates)
                dispatcher.utter_message(
                    text=(
                        f'Dạ, "{ambiguous.matched}" nay thuộc nhiều xã/phường: {names}. '
                        "Anh/chị chọn giúp em xã/phường của mình ạ."
                    ),
                    buttons=[
                        {"title": p.name, "payload": f'/ask_contact_info{{"location": "{p.name}"}}'}
                        for p in candidates
                    ],
                )
                return []
            dispatcher.utter_message(text=GENERAL_ANSWER)
            return []
        centre = _service_centre(place.code)
        office = centre.name if centre else f"Trung tâm Phục vụ hành chính công {place.name}"
        dispatcher.utter_message(
            text=(
                f"Dạ, thủ tục hành chính cấp xã của {place.name} được tiếp nhận và trả kết quả tại {office}; "
                "thủ tục cấp tỉnh tại Trung tâm Phục vụ hành chính công tỉnh Đồng Tháp. " + NO_ADDRESS_NOTE
            )
        )
        return []
