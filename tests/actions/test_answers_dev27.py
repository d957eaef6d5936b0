"""Issue 11 (dev26/dev27 round, which procedure answers): "giấy đó" in a side question of a petition is
the paper the petition names, a place typed in reply to "which commune?" that the NLU could not read is
that reply, and a formal question's circumstances (a passport it has) are weaker than the procedure it
asks for."""

from __future__ import annotations

from typing import Any

from actions.fallback import ActionClarify
from actions.procedures import ActionAnswerProcedure, asked_part, reads_as_that
from knowledge import facade as knowledge
from tests.actions.support import make_tracker, run, texts

MARITAL = "1.004873"  # Cấp Giấy xác nhận tình trạng hôn nhân
PERMANENT = "1.004222"  # Đăng ký thường trú
LAND = "Cấp Giấy chứng nhận quyền sử dụng đất"


def _entity(text: str, surface: str, value: str) -> dict[str, Any]:
    start = text.index(surface)
    return {"entity": "procedure", "value": value, "start": start, "end": start + len(surface)}


def _user(text: str, entities: list[dict[str, Any]]) -> dict[str, Any]:
    return {"event": "user", "text": text, "parse_data": {"text": text, "entities": entities}}


def test_giay_do_with_diacritics_is_that_paper_never_the_red_book() -> None:
    assert reads_as_that("giấy đó")
    assert reads_as_that("Sổ đó")
    assert not reads_as_that("giấy đỏ")


async def test_that_paper_in_a_petition_side_question_is_the_one_the_petition_names(
    domain: dict[str, Any],
) -> None:
    petition = "tui muốn phản ánh vụ xin giấy xác nhận tình trạng hôn nhân ở phường Cai Lậy bị trễ hẹn"
    named = _entity(petition, "giấy xác nhận tình trạng hôn nhân", "Cấp Giấy xác nhận tình trạng hôn nhân")
    text = "ủa mà cho hỏi luôn làm giấy đó thường mất mấy ngày"
    tracker = make_tracker(
        text,
        intent="ask_procedure",
        entities=[_entity(text, "giấy đó", LAND)],
        aspects={"time": 0.9},
        previous_events=[_user(petition, [named])],
        active_loop="petition_form",
    )
    events, messages = await run(ActionAnswerProcedure(), tracker, domain)
    said = texts(messages)
    assert "03 ngày" in said or "3 ngày" in said
    assert "đất đai" not in said
    assert next(e["value"] for e in events if e.get("name") == "current_procedure") == MARITAL


async def test_a_place_the_nlu_could_not_read_answers_which_commune(domain: dict[str, Any]) -> None:
    tracker = make_tracker(
        "thị trấn Mỹ Phước cũ đó",
        intent="nlu_fallback",
        slots={"current_procedure": MARITAL, "place_choices": ["Xã Tân Phước 1", "Xã Hưng Thạnh"]},
        previous_events=[{"event": "action", "name": "action_answer_procedure"}],
    )
    events, _messages = await run(ActionClarify(), tracker, domain)
    assert {"event": "followup", "name": "action_answer_procedure"} in [
        {k: e.get(k) for k in ("event", "name")} for e in events
    ]


def test_a_formal_questions_circumstances_are_weaker_than_the_procedure_it_asks_for() -> None:
    question = (
        "Tôi là người Việt Nam định cư ở nước ngoài, có hộ chiếu Việt Nam còn giá trị sử dụng, nay về nước "
        "sinh sống tại nhà của cha mẹ. Đề nghị cho biết hồ sơ đăng ký thường trú trong trường hợp của tôi."
    )
    assert knowledge.match_catalogue(question).hits[0].code == PERMANENT
    other = (
        "Gia đình tôi có sổ đỏ đứng tên cha tôi, cha tôi đã mất năm ngoái. Xin hướng dẫn thủ tục khai tử "
        "cho cha tôi."
    )
    assert knowledge.match_catalogue(other).hits[0].name == "Đăng ký khai tử"


def test_the_aspects_of_a_formal_question_are_read_from_what_it_asks() -> None:
    story = "Tôi có hộ chiếu Việt Nam còn giá trị sử dụng, nay về nước sinh sống. "
    assert asked_part(story + "Đề nghị cho biết hồ sơ đăng ký thường trú.") == (
        "Đề nghị cho biết hồ sơ đăng ký thường trú."
    )
    # a question first, then another: both are asked
    two = "Cơ quan nào có thẩm quyền chứng thực chữ ký trên giấy ủy quyền? Đề nghị cho biết lệ phí."
    assert asked_part(two) == two
    assert asked_part("Xin hỏi làm hộ chiếu ở đâu") == "Xin hỏi làm hộ chiếu ở đâu"
