"""A dossier in the talk (issue 11, dev30/dev31): a postal request for its result records it, and says "xong
rồi" without asking the status; a result waiting at the counter may come home by post; a code with the phone
ending is a lookup whatever the NLU read; a procedure the citizen asks to have made wins over the looked-up
dossier's; a person of the desk asked for and taken back in one message is no handoff."""

from __future__ import annotations

from typing import Any

import pytest

from actions.common import declines_person
from actions.confirmation import ActionCorrectRequest, ActionSubmitRequest
from actions.dossier import gives_code_and_ending
from actions.fallback import offered_words
from actions.postal import POSTAL, ValidatePostalForm, lookup_first
from actions.postal_info import POSTAL_DELIVERY_PAYLOAD
from actions.procedures import asks_to_make
from actions.requests import fields_holding_old
from tests.actions.support import answer_form, make_tracker, run, slot_values, texts
from ticketing import citizen_desk as ticketing

CODE = "000.00.20.H19-261126-0006"


@pytest.mark.parametrize(
    ("text", "looked_up"),
    [
        (f"hồ sơ thường trú {CODE} xong rồi, tui muốn nhận kết quả qua bưu điện", False),
        (f"hồ sơ {CODE} có kết quả rồi, cho tui đăng ký gửi về nhà qua bưu điện", False),
        (f"hồ sơ {CODE} gửi bưu điện về chưa", True),
        (f"ho so {CODE} xong hong, gui buu dien ve nha duoc ko", True),
    ],
)
def test_a_dossier_said_done_is_no_status_question(text: str, looked_up: bool) -> None:
    tracker = make_tracker(text, intent="request_postal_service", active_loop="postal_form")
    assert (lookup_first(tracker, "postal_form") is not None) is looked_up


async def test_a_delivery_request_records_its_dossier_in_the_summary_and_the_ticket(
    domain: dict[str, Any],
) -> None:
    text = f"hồ sơ {CODE} có kết quả rồi, cho tui đăng ký gửi về nhà qua bưu điện, tui tên Trần Văn Hai"
    events, _ = await answer_form(ValidatePostalForm(), domain, text, "postal_service_type", prefill=True)
    assert slot_values(events)["last_dossier_code"] == CODE
    slots = {
        "postal_service_type": "delivery",
        "postal_address": "ấp Mỹ Hưng, Xã Mỹ Hiệp",
        "contact_phone": "0912345670",
        "last_dossier_code": CODE,
        "request_kind": "postal",
    }
    tracker = make_tracker("đúng", intent="affirm", slots=slots)
    assert f"Mã hồ sơ: {CODE}" in POSTAL.lines(tracker)
    # a pick-up brings a new dossier to the office: no looked-up code on it
    assert not any(
        "Mã hồ sơ" in line
        for line in POSTAL.lines(make_tracker(slots={**slots, "postal_service_type": "pickup"}))
    )
    tracker = make_tracker("đúng", intent="affirm", slots=slots, sender_id="postal-31", channel="telegram")
    events, messages = await run(ActionSubmitRequest(), tracker, domain)
    code = slot_values(events)["last_ticket_code"]
    assert code.startswith("BC-") and code in texts(messages)
    assert ticketing.ticket_status(code, "telegram", "postal-31", None) is not None


async def test_a_correction_quoting_the_old_value_changes_the_field_that_holds_it(
    domain: dict[str, Any],
) -> None:
    slots = {
        "postal_service_type": "delivery",
        "postal_address": "số 12, đường Lê Lợi, Phường Mỹ Tho",
        "contact_phone": "0909887766",
        "request_kind": "postal",
    }
    text = "ghi lộn rồi, số 21 chứ hông phải 12"  # "số" also names the phone
    tracker = make_tracker(text, intent="correct_info", slots=slots)
    assert fields_holding_old(POSTAL, text, tracker) == [POSTAL.fields[1]]
    events, _ = await run(ActionCorrectRequest(), tracker, domain)
    assert slot_values(events)["postal_address"] == "số 21, đường Lê Lợi, Phường Mỹ Tho"


def test_a_code_with_a_phone_ending_is_a_lookup() -> None:
    assert gives_code_and_ending("ho so 0000020H192611150004 duoi 0004 gui buu dien chua vay")
    assert gives_code_and_ending(f"{CODE} đuôi 0006")
    assert not gives_code_and_ending(f"hồ sơ {CODE} sao rồi")  # the ending is asked
    assert not gives_code_and_ending("số tui 0912345678")


def test_a_typed_yes_to_an_offer_means_its_worded_button() -> None:
    offer = {
        "event": "bot",
        "text": "Anh/chị có muốn em đăng ký để Bưu điện chuyển kết quả hồ sơ này về nhà không ạ?",
        "data": {
            "buttons": [
                {"title": "Đăng ký gửi kết quả về nhà", "payload": POSTAL_DELIVERY_PAYLOAD},
                {"title": "Không cần", "payload": "/deny"},
            ]
        },
    }
    before = [{"event": "user", "text": "gửi kết quả qua bưu điện về nhà dc hông"}, offer]
    assert (
        offered_words(make_tracker("có", intent="affirm", previous_events=before)) == POSTAL_DELIVERY_PAYLOAD
    )
    intents = {**offer, "data": {"buttons": [{"title": "Có", "payload": "/affirm"}]}}
    assert offered_words(make_tracker("có", intent="affirm", previous_events=[before[0], intents])) is None


def test_a_procedure_asked_to_be_made_is_no_paper_of_the_dossier_in_the_talk() -> None:
    assert asks_to_make("còn làm hộ chiếu cho bé thì cần gì", ["hộ chiếu"])
    assert asks_to_make("xin cấp lại cái căn cước thì sao", ["căn cước"])
    assert not asks_to_make("có cần đem hộ chiếu không", ["hộ chiếu"])


@pytest.mark.parametrize(
    ("text", "declined"),
    [
        (
            "cho tui gặp tổng đài viên... à thôi khỏi, hỏi bot cũng được: tạm trú qua mạng nhiêu tiền",
            True,
        ),
        ("cho gap nhan vien... thoi khong can, de tui tu coi", True),
        ("cho gặp nhân viên, thôi khỏi hỏi bot nữa", False),
        ("cho tui gặp người thật, hỏi máy hoài không được", False),
    ],
)
def test_a_person_asked_for_and_taken_back_in_one_message(text: str, declined: bool) -> None:
    assert declines_person(text) is declined
