"""Contact information names the right office from the directory and never invents an address."""

from __future__ import annotations

import re
from typing import Any

from actions.contact_info import ActionContactInfo
from tests.actions.support import make_tracker, run, texts


async def test_a_ward_gets_its_service_centre(domain: dict[str, Any]) -> None:
    _, messages = await run(
        ActionContactInfo(), make_tracker("trung tâm hành chính công phường mỹ tho ở đâu"), domain
    )
    reply = texts(messages)
    assert "Phường Mỹ Tho" in reply
    assert "Trung tâm Phục vụ hành chính công" in reply
    assert not re.search(r"\d{3}", reply.replace("1022", ""))  # no invented phone number or house number


async def test_a_commune_without_diacritics(domain: dict[str, Any]) -> None:
    _, messages = await run(ActionContactInfo(), make_tracker("so dien thoai ubnd xa tan phuoc 1"), domain)
    assert "Xã Tân Phước 1" in texts(messages)


async def test_a_former_district_asks_which_unit(domain: dict[str, Any]) -> None:
    _, messages = await run(ActionContactInfo(), make_tracker("ubnd huyện Cái Bè ở đâu"), domain)
    assert "chọn giúp em xã/phường" in texts(messages)
    buttons = messages[0]["buttons"]
    assert "Xã Cái Bè" in [b["title"] for b in buttons]
    assert buttons[0]["payload"] == f'/ask_contact_info{{"location": "{buttons[0]["title"]}"}}'

    # The button answers with that unit's office.
    choice = make_tracker(
        buttons[0]["payload"],
        intent="ask_contact_info",
        entities=[{"entity": "location", "value": buttons[0]["title"]}],
    )
    _, messages = await run(ActionContactInfo(), choice, domain)
    assert buttons[0]["title"] in texts(messages)


async def test_without_a_place_the_general_answer_is_given(domain: dict[str, Any]) -> None:
    _, messages = await run(ActionContactInfo(), make_tracker("nộp hồ sơ ở đâu vậy"), domain)
    assert "Trung tâm Phục vụ hành chính công" in texts(messages)
    assert "dichvucong.gov.vn" in texts(messages)
