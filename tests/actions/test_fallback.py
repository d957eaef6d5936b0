"""Two-stage fallback: an unclear message gets the likeliest need suggested; "yes" takes the citizen there."""

from __future__ import annotations

from typing import Any

from actions.fallback import ActionAcceptSuggestion, ActionClarify
from actions.procedures import ActionAnswerProcedure, ActionOfferQuestion
from tests.actions.support import make_tracker, run, slot_values, texts


async def test_the_first_unclear_message_suggests_the_likeliest_need(domain: dict[str, Any]) -> None:
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.7},
        {"name": "submit_petition", "confidence": 0.25},
        {"name": "greet", "confidence": 0.05},
    ]
    tracker = make_tracker("đường bị gì đó", intent="nlu_fallback", intent_ranking=ranking)
    events, messages = await run(ActionClarify(), tracker, domain)
    assert "gửi phản ánh, kiến nghị" in texts(messages)
    assert messages[0]["buttons"] == [{"title": "Gửi phản ánh, kiến nghị", "payload": "/submit_petition"}]
    assert slot_values(events) == {"suggested_intent": "submit_petition"}


async def test_yes_to_the_suggestion_replays_the_message_as_the_suggested_intent(
    domain: dict[str, Any],
) -> None:
    metadata = {"channel": "zalo", "channel_user_id": "z-7"}
    tracker = make_tracker(
        "có", intent="affirm", slots={"suggested_intent": "submit_petition"}, metadata=metadata
    )
    events, messages = await run(ActionAcceptSuggestion(), tracker, domain)
    assert messages == []
    assert events[0]["event"] == "rewind"  # the "yes" is taken back...
    assert (events[-2]["event"], events[-2]["name"]) == ("action", "action_listen")  # listen again...
    replayed = events[-1]
    assert replayed["event"] == "user"  # ...and replaced by the suggested intent, with the hub's metadata
    assert replayed["parse_data"]["intent"] == {"name": "submit_petition", "confidence": 1.0}
    assert replayed["metadata"] == metadata


async def test_an_unsettled_report_of_a_problem_at_a_place_is_taken_as_the_petition(
    domain: dict[str, Any],
) -> None:
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.4},
        {"name": "submit_petition", "confidence": 0.48},
        {"name": "ask_procedure", "confidence": 0.47},
    ]
    text = "cay cau khi o khom 1 thi tran Lai Vung bi gay tay vin, ba con qua lai so lam"
    tracker = make_tracker(text, intent="nlu_fallback", intent_ranking=ranking)
    events, messages = await run(ActionClarify(), tracker, domain)
    assert messages == []  # no "có phải anh/chị muốn ...": the petition form takes the message
    replayed = events[-1]
    assert replayed["parse_data"]["intent"]["name"] == "submit_petition"
    assert replayed["text"] == text  # its own words become the petition's description
    # a how-to question, or no place, is still clarified
    for unsettled in ("xin giấy phép xây dựng ở phường Sa Đéc ở đâu", "cái đó bị hư rồi sao giờ"):
        tracker = make_tracker(unsettled, intent="nlu_fallback", intent_ranking=ranking)
        _, messages = await run(ActionClarify(), tracker, domain)
        assert messages, unsettled


async def test_an_unclear_message_without_a_likely_need_gets_examples(domain: dict[str, Any]) -> None:
    ranking = [{"name": "nlu_fallback", "confidence": 0.9}, {"name": "greet", "confidence": 0.1}]
    _, messages = await run(
        ActionClarify(), make_tracker("asdf", intent="nlu_fallback", intent_ranking=ranking), domain
    )
    assert "nói rõ hơn" in texts(messages)
    assert not messages[0].get("buttons")


async def test_a_rating_is_never_suggested(domain: dict[str, Any]) -> None:
    """'hmmm' read as a weak rating must not lead to the rating form: only a request to rate starts it."""
    ranking = [{"name": "nlu_fallback", "confidence": 0.4}, {"name": "rate_service", "confidence": 0.35}]
    events, messages = await run(
        ActionClarify(), make_tracker("hmmm", intent="nlu_fallback", intent_ranking=ranking), domain
    )
    assert "đánh giá" not in texts(messages)
    assert not messages[0].get("buttons")
    assert slot_values(events) == {"suggested_intent": None}


async def test_an_unclear_message_that_thanks_is_answered_as_thanks(domain: dict[str, Any]) -> None:
    tracker = make_tracker("thôi khỏi cảm ơn", intent="nlu_fallback", confidence=0.3)
    _, messages = await run(ActionClarify(), tracker, domain)
    assert messages == [{**messages[0], "response": "utter_thank"}]
    assert not any(m.get("custom") for m in messages)  # understood: not counted as a fallback


async def test_an_unread_question_also_gets_the_way_out_to_an_agent(domain: dict[str, Any]) -> None:
    question = "ngan hang chinh sach co cho vay von nuoi bo ko, lai suat bao nhieu vay"
    ranking = [{"name": "nlu_fallback", "confidence": 0.6}, {"name": "ask_procedure", "confidence": 0.3}]
    events, messages = await run(
        ActionClarify(), make_tracker(question, intent="nlu_fallback", intent_ranking=ranking), domain
    )
    assert "chưa hiểu rõ" in texts(messages)
    assert slot_values(events)["pending_question"] == question
    assert {"event": "followup", "name": "action_offer_question", "timestamp": None} in events
    clarified = make_tracker(
        question,
        intent="nlu_fallback",
        slots={"pending_question": question},
        slot_events=[{"event": "action", "name": "action_clarify"}],
    )
    _, messages = await run(ActionOfferQuestion(), clarified, domain)
    assert "HD-" in texts(messages) and "1022" in texts(messages)
    assert "chưa hiểu rõ" not in texts(messages)  # said once, by the clarification
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/affirm", "/deny"]


async def test_a_short_unclear_message_gets_no_offer(domain: dict[str, Any]) -> None:
    ranking = [{"name": "nlu_fallback", "confidence": 0.9}, {"name": "greet", "confidence": 0.1}]
    events, _ = await run(
        ActionClarify(), make_tracker("asdf ko", intent="nlu_fallback", intent_ranking=ranking), domain
    )
    assert "pending_question" not in slot_values(events)


async def test_a_report_read_as_a_question_no_procedure_matches_is_taken_as_the_petition(
    domain: dict[str, Any],
) -> None:
    ranking = [{"name": "ask_procedure", "confidence": 0.74}, {"name": "submit_petition", "confidence": 0.23}]
    text = "cay cau khi o khom 1 thi tran Lai Vung bi gay tay vin, ba con qua lai so lam"
    place = [{"entity": "location", "value": "Xã Hòa Long"}]
    tracker = make_tracker(text, intent="ask_procedure", intent_ranking=ranking, entities=place)
    events, _ = await run(ActionAnswerProcedure(), tracker, domain)
    assert events[-1] == {"event": "followup", "name": "action_clarify", "timestamp": None}
    events, messages = await run(ActionClarify(), tracker, domain)
    assert messages == []
    replayed = events[-1]
    assert replayed["parse_data"]["intent"]["name"] == "submit_petition"
    assert replayed["text"] == text


async def test_a_short_unread_reply_to_procedure_choices_is_read_against_them(domain: dict[str, Any]) -> None:
    # "bình thường, trong nước" under the marriage registration's variants: the NLU could not read it
    ranking = [{"name": "nlu_fallback", "confidence": 0.4}, {"name": "inform", "confidence": 0.51}]
    slots = {"current_procedure": "1.000894", "procedure_choices": ["2.000806", "1.000593"]}
    answered = [{"event": "action", "name": "action_answer_procedure"}]
    tracker = make_tracker(
        "bình thường, trong nước",
        intent="nlu_fallback",
        intent_ranking=ranking,
        slots=slots,
        previous_events=answered,
    )
    events, messages = await run(ActionClarify(), tracker, domain)
    assert messages == []
    assert events == [{"event": "followup", "name": "action_answer_procedure", "timestamp": None}]
    # with no choices offered, it is still clarified
    plain = make_tracker("bình thường, trong nước", intent="nlu_fallback", intent_ranking=ranking)
    _, messages = await run(ActionClarify(), plain, domain)
    assert messages
