"""Issue 11 (dev16/dev17 round): the citizen's name, phone and place given together in one free message
are all kept, on the petition, the postal request and the appointment alike (a name opened by a bare
pronoun, "Tôi Trịnh Văn Đức, 0392 ...", or given as the receiver's, "người nhận Lý Văn Tâm"), and a petition
asked for right after an overdue dossier is about that dossier."""

from __future__ import annotations

from typing import Any

import pytest

from actions.petition import ValidatePetitionForm, contact_name_given, volunteered_name
from tests.actions.support import form_turn, make_tracker, run, slot_values, texts

TOPIC = "Hồ sơ 000.00.20.H19-261123-0002 (Công an xã Mỹ Hiệp) đã quá hạn 4 ngày làm việc mà chưa có kết quả."


async def test_name_phone_and_place_in_one_message_at_the_contact_step_are_all_kept(
    domain: dict[str, Any],
) -> None:
    text = (
        "ko nho ma hs dau, tui muon gui phan anh luon. Tui ten Vo Thi Kim Loan sdt 0965432187, "
        "nha o ap 2 xa Thap Muoi"
    )
    tracker = form_turn(
        "petition_form",
        "contact_phone",
        text,
        "submit_petition",
        form_started=True,
        petition_description="nop ho so xin cap so do hon 2 thang roi chua co",
        petition_location="Xã Tháp Mười",
    )
    values = slot_values((await run(ValidatePetitionForm(), tracker, domain))[0])
    assert values["contact_phone"] == "0965432187"
    assert values["contact_name"] == "Vo Thi Kim Loan"


@pytest.mark.parametrize(
    ("form", "text", "name"),
    [
        (
            "appointment_form",
            "Tôi Trịnh Văn Đức, 0392556677, muốn hẹn lên phường Thanh Hòa lúc 8 giờ",
            "Trịnh Văn Đức",
        ),
        (
            "postal_form",
            "gửi về số 27 khu phố 1 phường Mỹ Phong, người nhận Lý Văn Tâm 0901234987",
            "Lý Văn Tâm",
        ),
        (
            "petition_form",
            "Tui Nguyen Van Ut, 0944555666. Duong dat o ap 6 huyen Tan Phuoc cu loi lom",
            "Nguyen Van Ut",
        ),
    ],
)
def test_every_form_takes_the_name_a_free_message_gives(form: str, text: str, name: str) -> None:
    tracker = make_tracker(text, intent="inform", active_loop=form)
    assert volunteered_name(text, tracker) == name
    assert contact_name_given(text, tracker) == name


@pytest.mark.parametrize(
    "text", ["trễ vậy giờ tui phản ánh được hông", "co, ghi nhan phan anh giup tui", "vậy tui muốn khiếu nại"]
)
async def test_a_petition_right_after_an_overdue_dossier_is_about_it(
    domain: dict[str, Any], text: str
) -> None:
    tracker = make_tracker(
        text,
        intent="submit_petition",
        active_loop="petition_form",
        slots={"petition_topic": TOPIC},
        previous_events=[{"event": "action", "name": "action_lookup_dossier"}],
        slot_events=[{"event": "slot", "name": "petition_description", "value": text}],
    )
    events, messages = await run(ValidatePetitionForm(), tracker, domain)
    assert slot_values(events)["petition_description"] == TOPIC
    assert "phản ánh về việc hồ sơ 000.00.20.H19-261123-0002" in texts(messages)


async def test_a_petition_after_an_overdue_dossier_that_names_another_place_is_about_that(
    domain: dict[str, Any],
) -> None:
    text = "mà cho tui phản ánh luôn đèn đường ấp 3 xã Mỹ Hiệp hư cả tháng"
    tracker = make_tracker(
        text,
        intent="submit_petition",
        active_loop="petition_form",
        slots={"petition_topic": TOPIC},
        previous_events=[{"event": "action", "name": "action_lookup_dossier"}],
        slot_events=[{"event": "slot", "name": "petition_description", "value": text}],
    )
    events, _ = await run(ValidatePetitionForm(), tracker, domain)
    assert "đèn đường" in slot_values(events)["petition_description"]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Mai Van Chin 0355667788, nop o phuong My Tho", "Mai Van Chin"),
        ("dạ em tên Trần Thị Hồng số 0909123123, nhà em ở ấp 5 xã Cái Bè", "Trần Thị Hồng"),
    ],
)
def test_at_the_contact_step_a_place_beside_the_name_does_not_hide_it(text: str, name: str) -> None:
    tracker = form_turn("petition_form", "contact_phone", text, "inform", form_started=True)
    assert volunteered_name(text, tracker) == name
