"""Old place names since 1 July 2025: what an old commune, town or district is now (with the resolution as
source), and a procedure answer that names the unit of the place the citizen gave, or asks which one."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.place_questions import (
    CHOICES_SLOT,
    ActionAnswerPlaceChange,
    describe,
    office_line,
    place_followup,
)
from actions.procedures import ActionAnswerProcedure, is_procedure_reply
from tests.actions.support import make_tracker, run, slot_values, texts
from vietnam.places import find_places, get_place

BUILDING_PERMIT = "1.013225"  # Cấp giấy phép xây dựng mới ... nhà ở riêng lẻ (UBND xã, phường nơi xây dựng)
RESIDENCE = "1.004222"  # Đăng ký thường trú (Công an xã, phường nơi có chỗ ở hợp pháp)
DEATH = "1.000656"  # Đăng ký khai tử (UBND xã, phường nơi cư trú cuối cùng)
CRIMINAL_RECORD = "3.000333"  # Phiếu lý lịch tư pháp (Công an tỉnh): not filed at the commune


def place_question(text: str, **kw: Any) -> Any:
    return make_tracker(text, intent="ask_place_change", **kw)


async def test_an_old_town_is_its_new_commune_with_the_resolution(domain: dict[str, Any]) -> None:
    events, messages = await run(
        ActionAnswerPlaceChange(), place_question("Sa Rài giờ thuộc xã nào rồi"), domain
    )
    said = texts(messages)
    assert "thị trấn Sa Rài (huyện Tân Hồng cũ) nay thuộc xã Tân Hồng" in said
    assert "1663/NQ-UBTVQH15" in said and "01/7/2025" in said
    assert slot_values(events)["contact_place"] == "Xã Tân Hồng"


async def test_without_diacritics_too(domain: dict[str, Any]) -> None:
    _, messages = await run(
        ActionAnswerPlaceChange(), place_question("thuong thoi tien gio la xa gi"), domain
    )
    assert "nay thuộc xã Thường Phước" in texts(messages)


async def test_a_former_district_lists_its_units_and_asks_which_with_buttons(domain: dict[str, Any]) -> None:
    events, messages = await run(
        ActionAnswerPlaceChange(), place_question("huyện Hồng Ngự cũ giờ gồm những xã nào"), domain
    )
    said = texts(messages)
    for unit in ("xã Thường Phước", "xã Long Khánh", "xã Long Phú Thuận", "xã Tân Long", "phường Thường Lạc"):
        assert unit in said
    buttons = messages[0]["buttons"]
    assert buttons[0]["payload"] == '/ask_place_change{"location": "Xã Thường Phước"}'
    assert len(slot_values(events)[CHOICES_SLOT]) == 5


def test_a_name_several_former_communes_shared_is_answered_for_each() -> None:
    reply = describe(find_places("Tân Phú giờ là xã nào")[0])
    assert "xã Tân Phú là đơn vị hành chính hiện nay" in reply.text
    assert "xã Tân Phú (huyện Thanh Bình cũ) nay thuộc xã Thanh Bình" in reply.text
    assert "(huyện Tân Phú Đông, tỉnh Tiền Giang cũ) nay thuộc xã Tân Thới" in reply.text
    assert not reply.choices


async def test_a_message_without_a_place_asks_for_the_old_name(domain: dict[str, Any]) -> None:
    _, messages = await run(ActionAnswerPlaceChange(), place_question("xã cũ của tui giờ là xã gì"), domain)
    assert "tên xã, phường, thị trấn hoặc huyện cũ" in texts(messages)


def test_the_office_is_named_only_for_procedures_filed_where_one_lives() -> None:
    tram_chim = get_place("xa_tram_chim")
    assert tram_chim is not None
    line = office_line(BUILDING_PERMIT, tram_chim, "xã Tân Công Sính cũ")
    assert line is not None and "UBND xã Tràm Chim (xã Tân Công Sính cũ)" in line
    residence = office_line(RESIDENCE, tram_chim)
    assert residence is not None and "Công an xã Tràm Chim" in residence
    assert office_line(CRIMINAL_RECORD, tram_chim) is None


async def test_a_procedure_question_naming_an_old_commune_names_the_new_unit(domain: dict[str, Any]) -> None:
    tracker = make_tracker(
        "o xa Tan Cong Sinh cu muon xin giay phep xay nha thi nop o dau",
        intent="ask_procedure",
        aspects={"place": 0.95},
        followup=0.0,
    )
    events, messages = await run(ActionAnswerProcedure(), tracker, domain)
    said = texts(messages)
    assert "UBND xã Tràm Chim (xã Tân Công Sính cũ)" in said
    assert slot_values(events)["contact_place"] == "Xã Tràm Chim"


async def test_a_former_district_is_asked_back_and_the_typed_commune_answers(domain: dict[str, Any]) -> None:
    tracker = make_tracker(
        "ong ngoai tui o huyen Hong Ngu cu moi mat, khai tu nop o xa nao",
        intent="ask_procedure",
        aspects={"place": 0.95},
        followup=0.0,
    )
    events, messages = await run(ActionAnswerProcedure(), tracker, domain)
    asked = next(m for m in messages if m.get("buttons") and "inform" in m["buttons"][0]["payload"])
    assert "xã Long Khánh" in asked["text"] and "xã, phường nào" in asked["text"]
    slots = slot_values(events)
    assert slots["current_procedure"] == DEATH and len(slots[CHOICES_SLOT]) == 5

    reply = make_tracker("Long Khanh B", intent="inform", slots=slots)
    events, messages = await run(ActionAnswerProcedure(), reply, domain)
    said = texts(messages)
    assert "xã Long Khánh B (huyện Hồng Ngự cũ) nay thuộc xã Long Khánh" in said
    assert "khai tử" in said and "UBND xã Long Khánh" in said
    assert slot_values(events) == {"contact_place": "Xã Long Khánh", CHOICES_SLOT: None}


async def test_a_button_answers_the_question_back(domain: dict[str, Any]) -> None:
    slots = {"current_procedure": DEATH, CHOICES_SLOT: ["xa_long_khanh", "xa_tan_long"]}
    payload = '/inform{"location": "Xã Tân Long"}'
    tracker = make_tracker(
        payload, intent="inform", entities=[{"entity": "location", "value": "Xã Tân Long"}], slots=slots
    )
    _, messages = await run(ActionAnswerProcedure(), tracker, domain)
    assert "UBND xã Tân Long" in texts(messages)


async def test_a_district_named_with_its_commune_settles_on_the_commune(domain: dict[str, Any]) -> None:
    slots = {"current_procedure": DEATH, CHOICES_SLOT: ["xa_vinh_kim", "xa_phu_huu"]}
    tracker = make_tracker("Châu Thành bên Tiền Giang cũ, xã Vĩnh Kim", intent="ask_procedure", slots=slots)
    _, messages = await run(ActionAnswerProcedure(), tracker, domain)
    assert "UBND xã Vĩnh Kim" in texts(messages)


async def test_a_place_answer_does_not_drop_the_procedure_in_the_talk(domain: dict[str, Any]) -> None:
    tracker = place_question("Sa Rài giờ thuộc xã nào rồi", slots={"current_procedure": RESIDENCE})
    events, _ = await run(ActionAnswerPlaceChange(), tracker, domain)
    assert "current_procedure" not in slot_values(events)


async def test_where_to_file_under_an_old_district_says_the_kind_of_office_then_asks_which(
    domain: dict[str, Any],
) -> None:
    # the citizen asks where to file and does not know which commune the old district is now: the
    # procedure's office is said of any commune (the commune police for residence), then which unit
    slots = {"current_procedure": RESIDENCE, CHOICES_SLOT: ["xa_cai_be", "xa_thanh_hung"]}
    tracker = place_question("vậy nộp chỗ nào, Cái Bè cũ giờ là xã nào em hổng biết", slots=slots)
    events, messages = await run(ActionAnswerPlaceChange(), tracker, domain)
    said = texts(messages)
    assert "Công an xã, phường nơi có chỗ ở hợp pháp" in said
    assert "xã, phường nào" in said
    assert len(slot_values(events)[CHOICES_SLOT]) > 1


async def test_an_old_district_typed_alone_is_only_asked_back(domain: dict[str, Any]) -> None:
    slots = {"current_procedure": RESIDENCE, CHOICES_SLOT: ["xa_cai_be", "xa_thanh_hung"]}
    _, messages = await run(ActionAnswerPlaceChange(), place_question("huyện Cái Bè", slots=slots), domain)
    assert "Công an xã, phường nơi có chỗ ở hợp pháp" not in texts(messages)


MARRIAGE = "1.000894"  # Đăng ký kết hôn (UBND xã, phường nơi cư trú của một trong hai bên)
BIRTH = "1.001193"  # Đăng ký khai sinh (UBND xã, phường nơi cư trú của cha hoặc mẹ)


def said_before(text: str, action: str) -> list[dict[str, Any]]:
    """The citizen's earlier message ``text`` and the bot's action on it."""
    return [
        {"event": "user", "text": text, "parse_data": {"text": text}},
        {"event": "action", "name": action},
        {"event": "action", "name": "action_listen"},
    ]


async def test_a_place_question_naming_none_is_about_the_place_named_just_before(
    domain: dict[str, Any],
) -> None:
    earlier = said_before(
        "sổ đỏ nhà tui ghi xã Bình Phục Nhứt huyện Chợ Gạo, sáp nhập rồi có phải làm lại sổ hông",
        "action_answer_procedure",
    )
    tracker = place_question("xa do gio la xa gi", previous_events=earlier)
    events, messages = await run(ActionAnswerPlaceChange(), tracker, domain)
    assert "xã Bình Phục Nhứt (huyện Chợ Gạo, tỉnh Tiền Giang cũ) nay thuộc xã An Thạnh Thủy" in texts(
        messages
    )
    assert slot_values(events)["contact_place"] == "Xã An Thạnh Thủy"


async def test_another_place_said_after_a_place_answer_is_the_next_place_question(
    domain: dict[str, Any],
) -> None:
    earlier = said_before("phuong 6 tp my tho cu gio la phuong gi vay ad", "action_answer_place_change")
    tracker = make_tracker(
        "còn xã Tân Mỹ Chánh thì sao", intent="ask_procedure", previous_events=earlier, followup=0.9
    )
    events, _ = await run(ActionAnswerProcedure(), tracker, domain)
    assert events == [{"event": "followup", "timestamp": None, "name": "action_answer_place_change"}]
    tracker = place_question("còn xã Tân Mỹ Chánh thì sao", previous_events=earlier)
    _, messages = await run(ActionAnswerPlaceChange(), tracker, domain)
    assert "nay thuộc phường Mỹ Phong" in texts(messages)


async def test_a_place_said_alone_after_a_procedure_answer_gets_its_office_not_the_last_aspect(
    domain: dict[str, Any],
) -> None:
    slots = {"current_procedure": MARRIAGE, "procedure_aspects": ["time"]}
    tracker = make_tracker(
        "ma xa Song Thuan cu cung len Kim Son ha", intent="inform", slots=slots, aspects={"place": 0.3}
    )
    events, messages = await run(ActionAnswerProcedure(), tracker, domain)
    said = texts(messages)
    assert "xã Song Thuận (huyện Châu Thành, tỉnh Tiền Giang cũ) nay thuộc xã Kim Sơn" in said
    assert "UBND xã Kim Sơn" in said and "thời hạn" not in said.lower()
    assert slot_values(events)["contact_place"] == "Xã Kim Sơn"


async def test_where_to_file_names_the_office_of_the_place_given_with_an_earlier_question(
    domain: dict[str, Any],
) -> None:
    first = make_tracker(
        "tui ở xã Xuân Đông Chợ Gạo, con mới sanh tuần rồi, làm khai sinh cần mang gì",
        intent="ask_procedure",
        entities=[{"entity": "procedure", "value": BIRTH}],
        aspects={"documents": 0.95},
        followup=0.0,
    )
    events, messages = await run(ActionAnswerProcedure(), first, domain)
    assert "UBND xã Bình Ninh" not in texts(messages)  # the papers were asked
    slots = slot_values(events)
    assert slots["contact_place"] == "Xã Bình Ninh"

    where = make_tracker(
        "nộp ở đâu", intent="ask_procedure", slots=slots, aspects={"place": 1.0}, followup=0.9
    )
    _, messages = await run(ActionAnswerProcedure(), where, domain)
    assert "UBND xã Bình Ninh" in texts(messages)


def test_only_an_old_commune_said_alone_takes_the_place_of_the_procedure_answer() -> None:
    slots = {"current_procedure": MARRIAGE, "procedure_aspects": ["documents"]}
    for text in ("người Việt thôi, 2 đứa cùng ở Lai Vung", "2 đứa ở xã Kim Sơn"):
        tracker = make_tracker(text, intent="inform", slots=slots)
        assert place_followup(CollectingDispatcher(), tracker) is None
    tracker = make_tracker("còn xã Song Thuận cũ thì sao", intent="inform", slots=slots)
    assert place_followup(CollectingDispatcher(), tracker)


async def test_a_reply_to_the_variants_that_gives_a_place_answers_the_case_then_its_unit(
    domain: dict[str, Any],
) -> None:
    asked = make_tracker("cho hỏi thủ tục khai tử", intent="ask_procedure", aspects={}, followup=0.0)
    events, messages = await run(ActionAnswerProcedure(), asked, domain)
    slots = slot_values(events)
    assert slots["current_procedure"] == DEATH and slots["procedure_choices"]

    reply = make_tracker(
        "bình thường thôi, ba tui mất ở nhà, xã Thân Cửu Nghĩa",
        intent="ask_procedure",
        slots=slots,
        previous_events=[{"event": "action", "name": "action_answer_procedure"}],
    )
    events, messages = await run(ActionAnswerProcedure(), reply, domain)
    said = texts(messages)
    assert "Giấy báo tử" in said  # the ordinary case answered, not only its office
    assert "nay thuộc xã Châu Thành" in said
    assert slot_values(events)["current_procedure"] == DEATH
    # read as a petition, it is a reply to the choices all the same: the petition form gives it back
    as_petition = make_tracker(
        "bình thường thôi, ba tui mất ở nhà, xã Thân Cửu Nghĩa",
        intent="submit_petition",
        slots=slots,
        previous_events=[{"event": "action", "name": "action_answer_procedure"}],
    )
    assert is_procedure_reply(as_petition)
