"""Issue 11 (dev22 round b): a loss of the paper in the talk, told as a mishap and named by the gazetteer
("còn lỡ làm mất hộ chiếu thì sao" finds "Trình báo mất hộ chiếu"), moves to the procedure for that loss;
a procedure name of another paper does not."""

from __future__ import annotations

from typing import Any

import pytest

from actions.procedures import ActionAnswerProcedure
from tests.actions.support import make_tracker, run, texts

PASSPORT = "1.001456"
PASSPORT_LOSS_REPORT = "1.010386"
ID_CARD = "1.014061"
ID_CARD_REISSUE = "1.014064"
DRIVING_LICENCE = "3.000346"
DRIVING_LICENCE_EXCHANGE = "3.000347"
DRIVING_LICENCE_REISSUE = "3.000348"
LAND_REGISTRATION = "1.013978"
LAND_CERTIFICATE_REISSUE = "1.012786"


def _current(events: list[dict]) -> Any:
    return next((e["value"] for e in events if e.get("name") == "current_procedure"), None)


def _tracker(text: str, current: str, surface: str, value: str) -> Any:
    start = text.find(surface)
    entity = {"entity": "procedure", "start": start, "end": start + len(surface), "value": value}
    return make_tracker(
        text,
        intent="ask_procedure",
        entities=[entity],
        slots={"current_procedure": current, "procedure_aspects": ["place"]},
        followup=0.6,
    )


@pytest.mark.parametrize(
    ("text", "current", "surface", "value", "expected"),
    [
        (
            "còn lỡ làm mất hộ chiếu thì sao",
            PASSPORT,
            "mất hộ chiếu",
            "Trình báo mất hộ chiếu",
            PASSPORT_LOSS_REPORT,
        ),
        (
            "rủi đánh rơi hộ chiếu thì sao",
            PASSPORT,
            "hộ chiếu",
            "Cấp hộ chiếu phổ thông ở trong nước",
            PASSPORT_LOSS_REPORT,
        ),
        ("lỡ làm mất căn cước thì sao", ID_CARD, "căn cước", "Cấp lại thẻ căn cước", ID_CARD_REISSUE),
        (
            "lỡ mất bằng lái thì sao",
            DRIVING_LICENCE,
            "bằng lái",
            "Cấp lại giấy phép lái xe",
            DRIVING_LICENCE_REISSUE,
        ),
        (
            "giấy phép lái xe mất thì sao",
            DRIVING_LICENCE_EXCHANGE,
            "giấy phép lái xe",
            "Cấp, đổi giấy phép lái xe",
            DRIVING_LICENCE_REISSUE,
        ),
        (
            "lỡ mất sổ đỏ thì sao",
            LAND_REGISTRATION,
            "sổ đỏ",
            "Cấp lại Giấy chứng nhận do bị mất",
            LAND_CERTIFICATE_REISSUE,
        ),
    ],
)
async def test_a_loss_of_the_paper_in_the_talk_moves_to_its_loss_procedure(
    domain: dict[str, Any], text: str, current: str, surface: str, value: str, expected: str
) -> None:
    events, messages = await run(ActionAnswerProcedure(), _tracker(text, current, surface, value), domain)
    assert _current(events) == expected, texts(messages)


async def test_another_paper_named_is_no_other_action_of_this_one(domain: dict[str, Any]) -> None:
    text = "còn lỡ làm mất căn cước thì sao"
    events, _ = await run(
        ActionAnswerProcedure(), _tracker(text, PASSPORT, "căn cước", "Cấp lại thẻ căn cước"), domain
    )
    assert _current(events) != PASSPORT_LOSS_REPORT
