"""Rating: a 1-5 score from the citizen's words, saved with the comment."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from actions.rating import ActionSubmitRating, ValidateRatingForm, find_score
from database import get_database
from tests.actions.support import answer_form, make_tracker, run, slot_values, texts
from ticketing.models import Rating


def test_scores_are_read_from_digits_words_stars_and_phrases() -> None:
    assert find_score("5") == 5
    assert find_score("cho 4/5") == 4
    assert find_score("năm sao") == 5
    assert find_score("ba diem") == 3
    assert find_score("⭐⭐") == 2
    assert find_score("rất hài lòng") == 5
    assert find_score("không hài lòng") == 2
    assert find_score("gọi 1022 mãi không ai nghe") is None
    assert find_score("7") is None
    assert find_score("phản ánh PA-251231-0005 được trả lời rồi") is None  # digits of a code are no score


async def test_the_first_message_gives_the_score_and_the_comment(domain: dict[str, Any]) -> None:
    text = "tôi đánh giá 5 sao, cán bộ rất nhiệt tình"
    events, _ = await answer_form(ValidateRatingForm(), domain, text, "rating_score", prefill=True)
    assert slot_values(events)["rating_score"] == "5"
    assert slot_values(events)["rating_comment"] == text


async def test_a_wrong_score_is_asked_again(domain: dict[str, Any]) -> None:
    events, messages = await answer_form(ValidateRatingForm(), domain, "9", "rating_score")
    assert slot_values(events)["rating_score"] is None
    assert "từ 1 đến 5" in texts(messages)


async def test_the_rating_is_saved(domain: dict[str, Any]) -> None:
    slots = {"rating_score": "2", "rating_comment": "chờ lâu quá"}
    tracker = make_tracker("2", slots=slots, sender_id="rating-1", channel="telegram")
    events, messages = await run(ActionSubmitRating(), tracker, domain)
    assert "2/5" in texts(messages)
    assert slot_values(events)["rating_score"] is None
    with get_database().session(readonly=True) as session:
        saved = session.execute(
            select(Rating.score, Rating.comment).where(Rating.channel_user_id == "rating-1")
        ).all()
    assert [tuple(row) for row in saved] == [(2, "chờ lâu quá")]


async def test_a_ticket_code_in_the_first_message_says_what_is_rated(domain: dict[str, Any]) -> None:
    text = "đánh giá phản ánh PA-261127-0001 4 sao"
    entities = [{"entity": "petition_code", "value": "PA-261127-0001"}]
    events, _ = await answer_form(
        ValidateRatingForm(), domain, text, "rating_score", prefill=True, entities=entities
    )
    assert slot_values(events)["rating_ticket_code"] == "PA-261127-0001"
    assert slot_values(events)["rating_score"] == "4"


async def test_rating_a_code_that_is_not_theirs_is_kept_as_a_general_rating(domain: dict[str, Any]) -> None:
    slots = {"rating_score": "4", "rating_comment": "ok", "rating_ticket_code": "PA-200101-9999"}
    tracker = make_tracker("4", slots=slots, sender_id="rating-2", channel="telegram")
    _, messages = await run(ActionSubmitRating(), tracker, domain)
    assert "đánh giá chung" in texts(messages)
    assert "tạm thời chưa lưu" not in texts(messages)
    with get_database().session(readonly=True) as session:
        saved = session.execute(
            select(Rating.score, Rating.ticket_id).where(Rating.channel_user_id == "rating-2")
        ).all()
    assert [tuple(row) for row in saved] == [(4, None)]
