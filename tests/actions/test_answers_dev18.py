"""Issue 11 (dev18 round, follow-ups that move to another procedure): a procedure is named by its aliases
that are names, not by those that are questions; a typed reply is read against the procedures the bot has
just offered as buttons first; "làm cuốn mới" after a lost passport asks about issuing a new one."""

from __future__ import annotations

from typing import Any

from actions.procedures import (
    ActionAnswerProcedure,
    asks_only_an_action,
    is_question_phrase,
    known_names,
    names_another,
    offered_named,
)
from knowledge import facade as knowledge
from tests.actions.support import make_tracker, run, slot_values, texts

UNEMPLOYMENT = "DT.viec_lam_tro_cap_that_nghiep"  # Giải quyết hưởng trợ cấp thất nghiệp
AUTHORISATION = "1.001601"  # Ủy quyền lĩnh thay các chế độ bảo hiểm xã hội, trợ cấp thất nghiệp
INCOME_TAX = "1.007674"  # Khai thuế thu nhập cá nhân ... quà tặng là bất động sản
BIRTH = "1.001193"  # Đăng ký khai sinh
BIRTH_FOREIGN = "2.000528"  # Đăng ký khai sinh có yếu tố nước ngoài
BIRTH_LINKED = "2.000986"  # Liên thông ... đăng ký khai sinh, đăng ký thường trú, cấp thẻ BHYT dưới 6 tuổi
BIRTH_FOREIGN_PARENT = "1.001695"  # Đăng ký khai sinh kết hợp đăng ký nhận cha, mẹ, con có yếu tố nước ngoài
BIRTH_AND_CARD = "2.001023"  # Liên thông ... đăng ký khai sinh, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi
HEALTH_CARD = "1.001939"  # Đăng ký đóng, cấp thẻ BHYT đối với người chỉ tham gia BHYT
LOST_PASSPORT = "1.010386"  # Trình báo mất hộ chiếu phổ thông (thực hiện tại cấp xã)
PASSPORT = "1.001456"  # Cấp hộ chiếu phổ thông ở trong nước (thực hiện tại cấp tỉnh)

# --------------------------------------------------------------------- another procedure, by its aliases


def test_an_alias_ending_on_a_question_word_is_a_question_not_a_name() -> None:
    assert is_question_phrase("cho con đất có phải đóng thuế thu nhập không")
    assert is_question_phrase("lấn ranh đất kiện ở đâu")
    assert is_question_phrase("lệ phí trước bạ nhà đất bao nhiêu")
    assert not is_question_phrase("nhờ người nhà lãnh dùm tiền trợ cấp")
    assert not is_question_phrase("sao y bản chính")  # "sao" not at the end: a name
    assert not is_question_phrase("thừa kế đất không có di chúc")
    names = known_names(INCOME_TAX)
    assert "cho con đất có phải đóng thuế thu nhập không" not in names
    assert names[0] == knowledge.get_procedure(INCOME_TAX).name  # type: ignore[union-attr]


def test_a_follow_up_naming_another_procedure_by_an_alias_names_it() -> None:
    text = "tui ve que o Go Cong, nho ma tui lanh dum tien dc ko"
    top = knowledge.match_catalogue(text, limit=8).hits[0]
    assert top.code == AUTHORISATION
    assert names_another(UNEMPLOYMENT, text, top)
    # a question an alias of the top hit asks is no name of it
    gift = "cho con thì có phải đóng thuế không"
    top = knowledge.match_catalogue(gift, limit=8).hits[0]
    assert top.code == INCOME_TAX
    assert not names_another("1.013831", gift, top)


def test_an_alias_names_a_procedure_only_in_the_clause_that_asks_and_by_itself() -> None:
    # the story told before the question ("khai báo tạm vắng khi đi làm xa") names nothing
    story = "vợ chồng tui đi làm xa, nhờ chú ruột của bé đi làm thay được không"
    top = knowledge.match_catalogue(story, limit=8).hits[0]
    assert not names_another(BIRTH, story, top)
    # one word pair from each of two aliases ("khám bệnh", "đi khám") names nothing
    card = "ko co the giay thi di kham benh dc ko"
    top = knowledge.match_catalogue(card, limit=8).hits[0]
    assert top.code != "1.002759" and not names_another("1.002759", card, top)


async def test_someone_collecting_the_benefit_moves_to_the_authorisation(domain: dict[str, Any]) -> None:
    tracker = make_tracker(
        "tui ve que o Go Cong, nho ma tui lanh dum tien dc ko",
        intent="ask_procedure",
        slots={"current_procedure": UNEMPLOYMENT},
        aspects={"eligibility": 0.6},
        followup=0.9,
    )
    events, messages = await run(ActionAnswerProcedure(), tracker, domain)
    assert slot_values(events)["current_procedure"] == AUTHORISATION
    assert "ủy quyền" in texts(messages).lower()


# ---------------------------------------------------------------------------- a reply to the buttons


def test_a_reply_naming_an_offered_procedure_picks_it_over_the_search_s_first() -> None:
    text = "nhan tien lam the bhyt cho be luon dc hong"
    assert knowledge.match_catalogue(text, limit=8).hits[0].code == HEALTH_CARD
    offered = [BIRTH_FOREIGN, BIRTH_LINKED, BIRTH_FOREIGN_PARENT]
    assert offered_named(text, offered) == BIRTH_LINKED
    # none of the offered ones names it: no pick
    assert offered_named(text, [BIRTH_FOREIGN, BIRTH_FOREIGN_PARENT]) is None
    # another procedure entirely, unrelated to the buttons
    assert offered_named("còn xin giấy xác nhận tình trạng hôn nhân thì sao", offered) is None


async def test_the_health_card_typed_under_the_birth_variants_is_the_linked_one(
    domain: dict[str, Any],
) -> None:
    text = "nhân tiện làm thẻ BHYT cho bé luôn được hông"
    start = text.index("BHYT")
    tracker = make_tracker(
        text,
        intent="ask_procedure",
        entities=[{"entity": "procedure", "value": "BHYT", "start": start, "end": start + 4}],
        slots={
            "current_procedure": BIRTH,
            "procedure_choices": [BIRTH_FOREIGN, BIRTH_LINKED, BIRTH_FOREIGN_PARENT],
        },
        followup=0.2,
    )
    events, messages = await run(ActionAnswerProcedure(), tracker, domain)
    # asked along with the birth registration: the procedure doing both (not the one adding the residence)
    assert slot_values(events)["current_procedure"] == BIRTH_AND_CARD
    assert "bảo hiểm y tế" in texts(messages)


# ------------------------------------------------------------------------------ "a new one" of a paper


def test_mới_after_a_classifier_asks_for_a_new_one_not_before_a_verb() -> None:
    assert asks_only_an_action(("moi",), "roi lam cuon moi ton nhiu")
    assert asks_only_an_action(("moi",), "rồi làm cái mới hết bao nhiêu")
    assert not asks_only_an_action(("moi",), "may bua moi xong")
    assert not asks_only_an_action(("moi",), "tui moi lam hom qua")
    assert asks_only_an_action(("cap", "lai"))


async def test_a_new_passport_after_reporting_the_loss_gets_the_passport_fee(domain: dict[str, Any]) -> None:
    tracker = make_tracker(
        "roi lam cuon moi ton nhiu",
        intent="ask_procedure",
        slots={"current_procedure": LOST_PASSPORT},
        aspects={"fee": 0.9},
        followup=0.9,
    )
    events, messages = await run(ActionAnswerProcedure(), tracker, domain)
    assert slot_values(events)["current_procedure"] == PASSPORT
    assert "400.000" in texts(messages)
