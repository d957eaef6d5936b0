"""A bare value, a correction or a stop that no form waits for, read in the context of the conversation."""

from __future__ import annotations

from typing import Any

from actions.replies import ActionHandleReply
from tests.actions.support import make_tracker, run, slot_values, texts


async def test_a_stop_with_nothing_under_way_is_acknowledged(domain: dict[str, Any]) -> None:
    _, messages = await run(ActionHandleReply(), make_tracker("thôi bỏ đi", intent="cancel"), domain)
    assert "không có yêu cầu nào đang làm dở" in texts(messages)


async def test_a_bare_phone_number_is_kept_never_a_handoff(domain: dict[str, Any]) -> None:
    tracker = make_tracker(
        "0912345678", intent="inform", entities=[{"entity": "phone_number", "value": "0912345678"}]
    )
    _, messages = await run(ActionHandleReply(), tracker, domain)
    assert "đã ghi nhận số điện thoại" in texts(messages)
    assert not any(m.get("custom") for m in messages)


async def test_a_phone_ending_is_kept_for_a_later_lookup(domain: dict[str, Any]) -> None:
    events, messages = await run(
        ActionHandleReply(), make_tracker("sđt tui đuôi 0005 nha", intent="inform"), domain
    )
    assert slot_values(events)["known_phone_last4"] == "0005"
    assert "mã hồ sơ" in texts(messages)


async def test_digits_after_a_lookup_look_the_dossier_up_again(domain: dict[str, Any]) -> None:
    tracker = make_tracker("nhầm, 0002 mới đúng", intent="correct_info", slots={"last_dossier_code": "x"})
    events, _ = await run(ActionHandleReply(), tracker, domain)
    assert events == [{"event": "followup", "name": "action_lookup_dossier", "timestamp": None}]


async def test_a_typed_choice_goes_to_the_procedure_answer(domain: dict[str, Any]) -> None:
    tracker = make_tracker(
        "cái thứ hai",
        intent="inform",
        slots={"procedure_choices": ["1.014061", "1.014062"], "procedure_aspects": []},
    )
    events, _ = await run(ActionHandleReply(), tracker, domain)
    assert slot_values(events)["current_procedure"] == "1.014062"
