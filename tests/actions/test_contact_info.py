"""Contact questions are answered by the knowledge layer's office directory; the dialogue passes the place
and asks back, with buttons, when an old name may be several units."""

from __future__ import annotations

from typing import Any

from actions.contact_info import ActionContactInfo
from knowledge import facade as knowledge
from tests.actions.support import make_tracker, run, texts


async def test_a_ward_gets_the_directory_answer(domain: dict[str, Any]) -> None:
    text = "trung tâm hành chính công phường mỹ tho ở đâu"
    _, messages = await run(ActionContactInfo(), make_tracker(text, intent="ask_contact_info"), domain)
    assert texts(messages) == knowledge.contact_answer(text, None).message
    assert "Mỹ Tho" in texts(messages)


async def test_the_location_entity_is_the_place(domain: dict[str, Any]) -> None:
    text = "so dien thoai ubnd xa tan phuoc 1"
    tracker = make_tracker(text, entities=[{"entity": "location", "value": "Xã Tân Phước 1"}])
    _, messages = await run(ActionContactInfo(), tracker, domain)
    assert texts(messages) == knowledge.contact_answer(text, "Xã Tân Phước 1").message


async def test_a_former_district_is_asked_back_with_buttons_that_answer(domain: dict[str, Any]) -> None:
    _, messages = await run(ActionContactInfo(), make_tracker("ubnd huyện Cái Bè ở đâu"), domain)
    buttons = messages[0]["buttons"]
    assert "Xã Cái Bè" in [b["title"] for b in buttons]
    assert buttons[0]["payload"] == f'/ask_contact_info{{"location": "{buttons[0]["title"]}"}}'

    choice = make_tracker(
        buttons[0]["payload"],
        intent="ask_contact_info",
        entities=[{"entity": "location", "value": buttons[0]["title"]}],
    )
    _, messages = await run(ActionContactInfo(), choice, domain)
    assert buttons[0]["title"].split(" ", 1)[1] in texts(messages)
    assert not messages[0].get("buttons")


async def test_a_follow_up_without_a_place_is_about_the_last_one(domain: dict[str, Any]) -> None:
    first = make_tracker(
        "số điện thoại ubnd xã Mỹ Hiệp", entities=[{"entity": "location", "value": "Xã Mỹ Hiệp"}]
    )
    events, _ = await run(ActionContactInfo(), first, domain)
    place = events[0]["value"]
    assert events[0]["name"] == "contact_place" and place
    _, messages = await run(
        ActionContactInfo(), make_tracker("giờ làm việc mấy giờ", slots={"contact_place": place}), domain
    )
    assert texts(messages) == knowledge.contact_answer("giờ làm việc mấy giờ", place).message
    assert "Mỹ Hiệp" in texts(messages)
