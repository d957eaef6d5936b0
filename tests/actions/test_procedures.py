"""Procedure questions in the context of the conversation, answered from the real catalogue: what is asked
comes from the NLU, a follow-up stays on the procedure, the common case is answered with its variants
offered, a typed reply picks one of them, a question without a procedure asks which one."""

from __future__ import annotations

from typing import Any

from actions.context import is_contextual_followup
from actions.out_of_scope import ActionOutOfScope
from actions.procedure_choice import match_choice, named_in, settle, stated_age
from actions.procedures import (
    ActionAnswerProcedure,
    clause_aspects,
    is_procedure_reply,
    is_unclear_followup,
    leads_its_topic,
    render,
    with_stated_aspect,
    with_unlearned_aspects,
)
from knowledge import facade as knowledge
from tests.actions.support import make_tracker, run, slot_values, texts

CRIMINAL_RECORD = "3.000333"  # Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài...
LICENCE_RENEWAL = "3.000348"  # Cấp lại giấy phép lái xe
BIRTH = "1.001193"  # Đăng ký khai sinh
DEATH = "1.000656"  # Đăng ký khai tử (its result: Trích lục khai tử)
ID_UNDER_14 = "1.014062"  # Cấp thẻ căn cước cho người dưới 14 tuổi
ID_EXCHANGE = "1.014063"  # Cấp đổi thẻ căn cước


def ask(text: str, *, aspects: dict[str, float] | None = None, followup: float = 0.0, **kw: Any) -> Any:
    return make_tracker(text, intent="ask_procedure", aspects=aspects or {}, followup=followup, **kw)


def _unambiguous_top(question: str) -> str:
    hits = knowledge.search_procedures(question)
    assert hits and not knowledge.is_ambiguous(hits), f"precondition: {question!r} names one procedure"
    return hits[0].code


async def test_a_question_is_answered_about_what_the_nlu_read_it_asks(domain: dict[str, Any]) -> None:
    question = "làm lý lịch tư pháp cần giấy tờ gì"
    assert _unambiguous_top(question) == CRIMINAL_RECORD
    events, messages = await run(ActionAnswerProcedure(), ask(question, aspects={"documents": 0.99}), domain)
    assert slot_values(events)["current_procedure"] == CRIMINAL_RECORD
    assert texts(messages) == knowledge.answer(CRIMINAL_RECORD, "documents")


async def test_follow_ups_in_everyday_words_stay_on_the_current_procedure(domain: dict[str, Any]) -> None:
    for question, aspect in [
        ("hết nhiêu tiền", "fee"),
        ("nộp qua mạng dc hông", "online"),
        ("chừng nào có", "time"),
        ("làm mất bao nhiêu ngày", "time"),  # "mất": takes (time), not died
        ("nop o dau", "place"),
    ]:
        tracker = ask(
            question, aspects={aspect: 0.97}, followup=0.95, slots={"current_procedure": CRIMINAL_RECORD}
        )
        events, messages = await run(ActionAnswerProcedure(), tracker, domain)
        assert texts(messages) == knowledge.answer(CRIMINAL_RECORD, aspect), question
        assert slot_values(events)["current_procedure"] == CRIMINAL_RECORD


async def test_several_aspects_in_one_question_are_answered_together(domain: dict[str, Any]) -> None:
    tracker = ask(
        "cần gì, bao lâu, tốn nhiêu",
        aspects={"documents": 0.9, "time": 0.8, "fee": 0.9},
        followup=0.9,
        slots={"current_procedure": CRIMINAL_RECORD},
    )
    _, messages = await run(ActionAnswerProcedure(), tracker, domain)
    reply = texts(messages)
    assert "Tờ khai" in reply and "lệ phí" in reply.lower() and "thời hạn" in reply.lower()


async def test_a_follow_up_naming_only_an_action_is_about_the_paper_in_the_talk(
    domain: dict[str, Any],
) -> None:
    lost_passport, passport = "1.010386", "1.001456"
    tracker = ask(
        "cấp lại tốn nhiêu", aspects={"fee": 0.97}, followup=0.9, slots={"current_procedure": lost_passport}
    )
    events, messages = await run(ActionAnswerProcedure(), tracker, domain)
    assert slot_values(events)["current_procedure"] == passport
    assert "hộ chiếu" in texts(messages)


async def test_a_follow_up_without_any_procedure_asks_which_and_keeps_the_question(
    domain: dict[str, Any],
) -> None:
    events, messages = await run(
        ActionAnswerProcedure(), ask("hết nhiêu tiền", aspects={"fee": 0.99}, followup=0.98), domain
    )
    assert "lệ phí của thủ tục nào" in texts(messages)
    assert slot_values(events)["procedure_aspects"] == ["fee"]
    # "khai sinh" names the procedure, asks nothing of its own: the fee is answered.
    tracker = ask(
        "khai sinh",
        entities=[{"entity": "procedure", "value": "Đăng ký khai sinh", "start": 0, "end": 9}],
        slots={"procedure_aspects": ["fee"]},
    )
    events, messages = await run(ActionAnswerProcedure(), tracker, domain)
    assert slot_values(events)["current_procedure"] == BIRTH
    assert texts(messages).startswith(knowledge.answer(BIRTH, "fee"))


async def test_a_question_naming_another_procedure_moves_to_it(domain: dict[str, Any]) -> None:
    question = "còn cấp lại giấy phép lái xe thì sao"
    assert _unambiguous_top(question) == LICENCE_RENEWAL
    tracker = ask(
        question, followup=0.2, slots={"current_procedure": CRIMINAL_RECORD, "procedure_aspects": ["fee"]}
    )
    events, messages = await run(ActionAnswerProcedure(), tracker, domain)
    assert slot_values(events)["current_procedure"] == LICENCE_RENEWAL
    assert texts(messages) == knowledge.answer(LICENCE_RENEWAL, "fee")  # the same question, carried over


async def test_a_question_naming_what_the_procedure_delivers_stays_on_it(domain: dict[str, Any]) -> None:
    tracker = ask(
        "bao lâu có trích lục", aspects={"time": 0.95}, followup=0.6, slots={"current_procedure": DEATH}
    )
    events, messages = await run(ActionAnswerProcedure(), tracker, domain)
    assert slot_values(events)["current_procedure"] == DEATH
    assert texts(messages) == knowledge.answer(DEATH, "time")


async def test_the_common_case_is_answered_and_the_variants_offered(domain: dict[str, Any]) -> None:
    question = "khai sinh cho bé cần mang gì"
    hits = knowledge.search_procedures(question)
    assert knowledge.is_ambiguous(hits), "precondition: birth registration has close variants"
    events, messages = await run(ActionAnswerProcedure(), ask(question, aspects={"documents": 0.99}), domain)
    assert messages[0]["text"] == knowledge.answer(BIRTH, "documents")
    offer = messages[1]
    assert "có yếu tố nước ngoài" in offer["text"]
    codes = [b["payload"].split('"')[-2] for b in offer["buttons"]]
    assert BIRTH not in codes and len(codes) >= 2
    assert slot_values(events)["current_procedure"] == BIRTH
    assert slot_values(events)["procedure_choices"] == codes

    # A typed reply picks a variant and keeps what was asked.
    foreign = next(h.code for h in hits if "nước ngoài" in h.name)
    tracker = make_tracker(
        "nếu mẹ bé là người nước ngoài thì sao",
        intent="inform",
        aspects={"eligibility": 0.7},
        slots={"current_procedure": BIRTH, "procedure_choices": codes, "procedure_aspects": ["documents"]},
    )
    events, messages = await run(ActionAnswerProcedure(), tracker, domain)
    assert slot_values(events)["current_procedure"] == foreign
    assert texts(messages) == knowledge.answer(foreign, "documents")

    # "trong nước thôi" goes back to the ordinary one.
    tracker = make_tracker(
        "trong nước bình thường thôi",
        intent="inform",
        aspects={},
        slots={
            "current_procedure": foreign,
            "procedure_choices": slot_values(events)["procedure_choices"],
            "procedure_aspects": ["documents"],
        },
    )
    events, _ = await run(ActionAnswerProcedure(), tracker, domain)
    assert slot_values(events)["current_procedure"] == BIRTH


async def test_an_age_in_the_question_settles_an_age_split_and_a_child_of_unknown_age_is_asked(
    domain: dict[str, Any],
) -> None:
    events, messages = await run(
        ActionAnswerProcedure(),
        ask("làm căn cước cho con 10 tuổi cần gì", aspects={"documents": 0.95}),
        domain,
    )
    assert slot_values(events)["current_procedure"] == ID_UNDER_14
    events, messages = await run(
        ActionAnswerProcedure(), ask("làm căn cước cho con cần gì", aspects={"documents": 0.95}), domain
    )
    assert "bao nhiêu tuổi" in texts(messages)
    choices = slot_values(events)["procedure_choices"]
    assert ID_UNDER_14 in choices
    tracker = make_tracker(
        "con tui 10 tuổi",
        intent="inform",
        aspects={},
        slots={"procedure_choices": choices, "procedure_aspects": ["documents"]},
    )
    events, messages = await run(ActionAnswerProcedure(), tracker, domain)
    assert slot_values(events)["current_procedure"] == ID_UNDER_14
    assert texts(messages) == knowledge.answer(ID_UNDER_14, "documents")


async def test_a_button_answers_the_question_asked_before(domain: dict[str, Any]) -> None:
    tracker = make_tracker(
        f'/ask_procedure{{"procedure": "{BIRTH}"}}',
        intent="ask_procedure",
        entities=[{"entity": "procedure", "value": BIRTH}],
        slots={"procedure_aspects": ["documents"]},
    )
    events, messages = await run(ActionAnswerProcedure(), tracker, domain)
    assert texts(messages) == knowledge.answer(BIRTH, "documents")
    assert slot_values(events)["current_procedure"] == BIRTH


async def test_a_side_question_in_a_form_says_the_form_goes_on(domain: dict[str, Any]) -> None:
    tracker = ask(
        "làm lý lịch tư pháp cần giấy tờ gì", aspects={"documents": 0.99}, active_loop="petition_form"
    )
    _, messages = await run(ActionAnswerProcedure(), tracker, domain)
    assert "tiếp tục phần gửi phản ánh" in messages[-1]["text"]


async def test_an_unknown_question_asks_for_the_procedure_name(domain: dict[str, Any]) -> None:
    _, messages = await run(ActionAnswerProcedure(), ask("xyzzy qwerty"), domain)
    assert "chưa tìm thấy thủ tục" in texts(messages)


def test_an_answer_without_an_aspect_gives_the_overview_and_the_papers() -> None:
    text = render(BIRTH, [])
    assert text.startswith(knowledge.answer(BIRTH, "overview"))
    assert "Tờ khai đăng ký khai sinh" in text


def test_a_paper_the_question_names_is_said_about_once() -> None:
    question = "đẻ ở nhà không có giấy chứng sinh thì khai sinh sao"
    text = render(BIRTH, ["eligibility"], question)
    assert text.count("người làm chứng") == 1  # in the papers, which come with who may apply
    alone = render(BIRTH, ["time"], question)
    assert "Về giấy tờ anh/chị hỏi: giấy chứng sinh; nếu không có thì văn bản của người làm chứng" in alone


class Hit:
    def __init__(self, code: str, name: str, score: float) -> None:
        self.code, self.name, self.score = code, name, score


def test_the_ordinary_case_is_the_one_without_a_variant_qualifier() -> None:
    hits = [Hit("F", "Đăng ký kết hôn có yếu tố nước ngoài", 30), Hit("K", "Đăng ký kết hôn", 29)]
    settled = settle("đăng ký kết hôn cần gì", hits, ambiguous=True)
    assert settled.answer.code == "K" and [h.code for h in settled.offered] == ["F"]
    # the search put the variant clearly first because the question said so: it stands
    hits = [Hit("F", "Đăng ký kết hôn có yếu tố nước ngoài", 40), Hit("K", "Đăng ký kết hôn", 20)]
    assert settle("kết hôn với người nước ngoài", hits, ambiguous=True).answer.code == "F"


def test_a_typed_pick_needs_words_that_tell_the_procedures_apart() -> None:
    choices = [("F", "Đăng ký kết hôn có yếu tố nước ngoài")]
    answered = ("K", "Đăng ký kết hôn")
    assert match_choice("nước ngoài", choices, answered) == "F"
    assert match_choice("trong nước", choices, answered) == "K"
    assert match_choice("có mất phí hông", choices, answered) is None  # a follow-up, not a pick
    assert match_choice("2 dua phai co mat ko", choices, answered) is None


def test_ages_are_read_from_the_question() -> None:
    assert stated_age("làm căn cước cho con 10 tuổi") == 10
    assert stated_age("bé mới sinh") == 0
    assert stated_age("cho con") is None


async def test_the_words_as_written_decide_before_the_gazetteer_name(domain: dict[str, Any]) -> None:
    """'làm mất giấy khai sinh': a lost paper is re-issued (a copy of the register's extract), although the
    gazetteer names the birth registration."""
    tracker = ask(
        "tui làm mất giấy khai sinh rồi giờ sao",
        aspects={"steps": 0.98},
        entities=[{"entity": "procedure", "value": "Đăng ký khai sinh", "start": 15, "end": 29}],
    )
    events, _ = await run(ActionAnswerProcedure(), tracker, domain)
    copy = knowledge.search_procedures("tui làm mất giấy khai sinh rồi giờ sao")[0]
    assert "Trích lục" in copy.name
    assert slot_values(events)["current_procedure"] == copy.code


async def test_a_place_alone_gets_where_to_go_there(domain: dict[str, Any]) -> None:
    tracker = make_tracker(
        "Phường Hồng Ngự",
        intent="inform",
        aspects={},
        followup=0.9,
        entities=[{"entity": "location", "value": "Phường Hồng Ngự"}],
    )
    _, messages = await run(ActionAnswerProcedure(), tracker, domain)
    assert "Trung tâm Phục vụ hành chính công phường Hồng Ngự" in texts(messages)


async def test_a_question_outside_the_catalogue_is_never_answered_with_a_neighbour(
    domain: dict[str, Any],
) -> None:
    from actions.procedures import ActionOfferQuestion, ActionSubmitQuestion
    from ticketing import citizen_desk

    question = "cấp phép bắn pháo hoa ở đâu"
    match = knowledge.match_catalogue(question)
    assert match.outcome == "not_in_catalogue", "precondition: the catalogue has no fireworks permit"
    events, messages = await run(ActionAnswerProcedure(), ask(question, aspects={"place": 0.9}), domain)
    assert messages == []
    assert slot_values(events)["pending_question"] == question
    assert {"event": "followup", "name": "action_offer_question", "timestamp": None} in events

    offered = make_tracker("x", slots={"pending_question": question})
    _, messages = await run(ActionOfferQuestion(), offered, domain)
    assert texts(messages) == match.message

    yes = make_tracker(
        "có", intent="affirm", slots={"pending_question": question}, sender_id="q-1", channel="zalo"
    )
    events, messages = await run(ActionSubmitQuestion(), yes, domain)
    code = slot_values(events)["last_ticket_code"]
    assert code.startswith("HD-") and code in texts(messages)
    status = citizen_desk.ticket_status(code, "zalo", "q-1", None)
    assert status is not None and status.kind == "question"


AFTER_AN_ANSWER = [
    {"event": "user", "text": "trước"},
    {"event": "action", "name": "action_answer_procedure"},
    {"event": "action", "name": "action_listen"},
]
CERTIFIED_COPY = "2.000815"  # Chứng thực bản sao từ bản chính giấy tờ, văn bản...
SIGNATURE = "2.000884"  # Chứng thực chữ ký trong các giấy tờ, văn bản
BUILDING_PERMIT = (
    "1.013225"  # Cấp giấy phép xây dựng mới đối với công trình cấp III, cấp IV và nhà ở riêng lẻ
)


async def test_words_of_another_procedure_move_to_it_even_when_they_share_the_result(
    domain: dict[str, Any],
) -> None:
    # the certified copy delivers "bản sao có chứng thực", but "chữ ký" names the signature certification
    tracker = ask(
        "chứng thực chữ ký trong giấy ủy quyền",
        followup=0.7,
        slots={"current_procedure": CERTIFIED_COPY, "procedure_aspects": ["documents"]},
    )
    events, _ = await run(ActionAnswerProcedure(), tracker, domain)
    assert slot_values(events)["current_procedure"] == SIGNATURE


def test_a_variant_typed_right_after_an_answer_is_a_reply_about_it_not_a_petition() -> None:
    def reply(text: str, previous: list[dict[str, Any]] = AFTER_AN_ANSWER) -> bool:
        tracker = make_tracker(
            text,
            intent="submit_petition",
            slots={"current_procedure": BUILDING_PERMIT},
            previous_events=previous,
        )
        return is_procedure_reply(tracker)

    assert reply("xây mới nhà ở riêng lẻ")
    assert not reply("phản ánh nhà kế bên xây mới nhà ở riêng lẻ lấn qua đất tui")
    assert not reply("đèn đường ấp 3 hư cả tháng nay")
    assert not reply("nhà bên cạnh xây mới không có phép")
    assert not reply("xây mới nhà ở riêng lẻ", previous=[])  # no answer just before: a petition it is


def test_a_short_unclear_question_right_after_an_answer_is_about_that_procedure() -> None:
    def followup(text: str, previous: list[dict[str, Any]] = AFTER_AN_ANSWER) -> bool:
        tracker = make_tracker(
            text, intent="nlu_fallback", slots={"current_procedure": BIRTH}, previous_events=previous
        )
        return is_unclear_followup(tracker)

    assert followup("vậy ai giải quyết")
    assert followup("rồi sao nữa?")
    assert not followup("hmm")
    assert not followup("vậy ai giải quyết", previous=[])


async def test_where_to_file_without_any_procedure_is_answered_in_general(domain: dict[str, Any]) -> None:
    _, messages = await run(
        ActionAnswerProcedure(), ask("vậy nộp trực tiếp ở đâu", aspects={"place": 0.95}, followup=0.9), domain
    )
    assert "Trung tâm Phục vụ hành chính công" in texts(messages)
    assert "thủ tục nào" not in texts(messages)


MARITAL_STATUS = "1.004873"  # Cấp Giấy xác nhận tình trạng hôn nhân
MARRIAGE_VARIANTS = ["1.000894", "1.001022"]


async def test_a_paper_of_the_current_procedure_is_asked_about_it_not_another_procedure(
    domain: dict[str, Any],
) -> None:
    # "bản chính ... giấy tờ" also names the certified copy; the land papers are the building permit's
    tracker = ask(
        "còn giấy tờ đất thì cần bản chính hay photo",
        aspects={"documents": 0.99},
        followup=0.2,
        slots={"current_procedure": BUILDING_PERMIT, "procedure_aspects": ["overview"]},
    )
    events, messages = await run(ActionAnswerProcedure(), tracker, domain)
    assert slot_values(events)["current_procedure"] == BUILDING_PERMIT
    assert "giấy tờ hợp pháp về đất đai" in texts(messages)


async def test_a_follow_up_naming_another_procedure_leaves_the_variants_offered(
    domain: dict[str, Any],
) -> None:
    text = "còn xin giấy xác nhận tình trạng hôn nhân thì mấy ngày có"
    tracker = ask(
        text,
        aspects={"time": 0.9},
        entities=[
            {"entity": "procedure", "value": "Cấp Giấy xác nhận tình trạng hôn nhân", "start": 8, "end": 42}
        ],
        slots={"current_procedure": "1.000894", "procedure_choices": MARRIAGE_VARIANTS},
    )
    events, _ = await run(ActionAnswerProcedure(), tracker, domain)
    assert slot_values(events)["current_procedure"] == MARITAL_STATUS


async def test_a_follow_up_typed_under_a_menu_is_answered_for_the_common_case(
    domain: dict[str, Any],
) -> None:
    # issue 11: asking the same menu again would repeat it forever; the common case is answered and the
    # other procedure stays offered
    choices = ["1.001193", "2.001023"]
    slots = {"procedure_choices": choices}
    tracker = ask("nộp hồ sơ ở đâu", aspects={"place": 0.99}, followup=0.9, slots=slots)
    events, messages = await run(ActionAnswerProcedure(), tracker, domain)
    assert slot_values(events)["current_procedure"] == "1.001193"
    assert slot_values(events)["procedure_choices"] == ["2.001023"]
    assert slot_values(events)["procedure_aspects"] == ["place"]
    assert "trường hợp thông thường" in texts(messages)
    assert [b["payload"] for m in messages for b in m.get("buttons", [])] == [
        '/ask_procedure{"procedure": "2.001023"}'
    ]


def test_a_benefit_the_person_does_not_receive_rules_out_the_procedures_for_its_receivers() -> None:
    question = "má tui 81 tuổi, hổng có lương hưu, có được tiền trợ cấp hàng tháng hông"
    hits = knowledge.search_procedures(question, limit=8)
    settled = settle(question, hits, knowledge.is_ambiguous(hits))
    assert settled.answer is not None
    assert "trợ cấp xã hội" in settled.answer.name or "hưu trí xã hội" in settled.answer.name
    for hit in [settled.answer, *settled.offered]:
        assert "đang hưởng lương hưu" not in hit.name and "tử tuất" not in hit.name
    assert settled.facts == ["81 tuổi", "không có lương hưu"]


def test_each_clause_of_a_message_asking_several_things_is_read() -> None:
    assert clause_aspects("mất bằng lái rồi, làm lại nộp chỗ nào, có cần giấy khám sức khỏe hông") == [
        "place",
        "documents",
    ]
    assert clause_aspects("le phi het nhieu, bao lau co ket qua") == ["fee", "time"]
    # one question, a story before it: nothing of its own to add to what the NLU read
    assert clause_aspects("con nhỏ 10 tuổi, làm căn cước cần gì") == []
    assert clause_aspects("hết nhiêu tiền") == []


async def test_several_aspects_asked_in_clauses_are_answered_in_the_order_asked(
    domain: dict[str, Any],
) -> None:
    tracker = ask(
        "mất bằng lái rồi, làm lại nộp chỗ nào, có cần giấy khám sức khỏe hông",
        aspects={"documents": 0.93, "place": 0.2},
        entities=[{"entity": "procedure", "value": "Cấp lại giấy phép lái xe", "start": 4, "end": 12}],
    )
    events, messages = await run(ActionAnswerProcedure(), tracker, domain)
    said = texts(messages)
    assert slot_values(events)["procedure_aspects"] == ["place", "documents"]
    assert said.index("nộp tại") < said.index("Giấy khám sức khỏe")


def test_a_longer_message_picks_a_variant_only_by_words_of_its_own() -> None:
    choices = [
        ("foreign", "Đăng ký khai sinh có yếu tố nước ngoài"),
        ("has_papers", "Đăng ký khai sinh cho người đã có hồ sơ, giấy tờ cá nhân"),
        ("paternity", "Đăng ký khai sinh kết hợp đăng ký nhận cha, mẹ, con"),
    ]
    answered = ("plain", "Đăng ký khai sinh")
    # "mẹ", "con" of the story are not "nhận cha, mẹ, con"
    assert (
        match_choice("vợ chồng tui đi làm xa, mẹ con bé ở quê, ông nội đi làm thay được không", choices)
        is None
    )
    assert match_choice("ba mẹ bé đi làm xa, ông bà đi làm giùm được không", choices, answered) is None
    assert match_choice("nếu ba của bé là người nước ngoài thì làm sao", choices, answered) == "foreign"
    assert match_choice("ba bé chưa cưới mẹ bé, muốn nhận con luôn thì sao", choices, answered) == "paternity"
    assert match_choice("kết hợp", choices, answered) == "paternity"


def test_re_issuing_a_lost_paper_answers_the_issuing_procedure_and_offers_the_loss_report() -> None:
    question = "mất hộ chiếu rồi, giờ làm lại tốn bao nhiêu"
    hits = knowledge.search_procedures(question)
    settled = settle(question, hits, knowledge.is_ambiguous(hits))
    assert settled.answer is not None and settled.answer.name.startswith("Cấp hộ chiếu")
    assert [h.name for h in settled.offered][:1] == [
        "Trình báo mất hộ chiếu phổ thông (thực hiện tại cấp xã)"
    ]
    assert "400.000" in knowledge.answer(settled.answer.code, "fee")
    # the loss itself, without asking to make it again: the report
    hits = knowledge.search_procedures("mất hộ chiếu thì báo ở đâu")
    assert settle("mất hộ chiếu thì báo ở đâu", hits, knowledge.is_ambiguous(hits)).answer.name.startswith(
        "Trình báo"
    )


def test_a_question_misread_as_out_of_scope_or_a_lookup_is_a_follow_up_only_in_context() -> None:
    def contextual(text: str, previous: list[dict[str, Any]] = AFTER_AN_ANSWER, **kw: Any) -> bool:
        tracker = make_tracker(
            text,
            intent="check_dossier_status",
            slots={"current_procedure": BIRTH},
            previous_events=previous,
            aspects=kw.get("aspects", {"place": 0.99}),
        )
        return is_contextual_followup(tracker)

    assert contextual("làm hồ sơ chỗ nào ạ")
    assert not contextual("làm hồ sơ chỗ nào ạ", previous=[])  # no answer just before
    assert not contextual("hồ sơ khai sinh tui nộp tới đâu rồi")  # where a filed dossier stands
    assert not contextual("hồ sơ 000.00.20.H19-261201-0001 nộp ở đâu")  # a code: a lookup
    assert not contextual("ờ vậy hả", aspects={"place": 0.3})  # nothing asked with confidence


def test_a_short_question_sharing_a_word_with_a_variant_is_a_follow_up_not_a_pick() -> None:
    choices = [
        ("foreign", "Đăng ký khai sinh có yếu tố nước ngoài"),
        ("paternity", "Đăng ký khai sinh kết hợp đăng ký nhận cha, mẹ, con"),
        (
            "liaison",
            "Liên thông thủ tục hành chính về đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế "
            "cho trẻ em dưới 6 tuổi",
        ),
    ]
    answered = ("plain", "Đăng ký khai sinh")
    # "bao" of "bao lâu" is not "bảo hiểm"; "đâu" is not "đầu" (the first one)
    for question in ("làm mất bao lâu vậy", "phi bao nhieu", "nộp ở đâu", "bao lâu"):
        assert match_choice(question, choices, answered) is None, question
    # a reply made of the names' own words still picks
    assert match_choice("cái liên thông", choices, answered) == "liaison"
    assert match_choice("bảo hiểm y tế", choices, answered) == "liaison"
    assert match_choice("cái đầu tiên", choices, answered) == "foreign"
    assert match_choice("mẹ bé là người nước ngoài", choices, answered) == "foreign"


RESIDENCE = "1.004222"  # Đăng ký thường trú: 20.000 đồng in person, 10.000 đồng online
PASSPORT = "1.001456"  # the same 200.000 đồng in every channel


async def test_a_channel_named_after_a_fee_answer_carries_the_fee(domain: dict[str, Any]) -> None:
    for code, fee in ((RESIDENCE, "10.000"), (PASSPORT, "200.000")):
        tracker = ask(
            "thế làm online thì sao",
            aspects={"online": 0.95},
            followup=0.9,
            slots={"current_procedure": code, "procedure_aspects": ["fee"]},
        )
        events, messages = await run(ActionAnswerProcedure(), tracker, domain)
        reply = texts(messages)
        assert "trực tuyến" in reply and fee in reply, code
        assert slot_values(events)["procedure_aspects"] == ["online", "fee"]
        # the online fee is said once, in the fee answer, not again in the online one
        assert reply.count("Khi nộp trực tuyến") == 0


def test_the_online_answer_says_the_online_fee_when_it_differs_from_in_person() -> None:
    assert "10.000 đồng" in knowledge.answer(RESIDENCE, "online")
    assert "Khi nộp trực tuyến" not in knowledge.answer(PASSPORT, "online")  # the same fee: nothing to add


async def test_a_follow_up_reading_with_nothing_to_follow_is_searched_as_written(
    domain: dict[str, Any],
) -> None:
    tracker = ask("cho vợ nhập khẩu về nhà chồng thì phải làm thế nào", aspects={"steps": 0.9}, followup=0.9)
    events, messages = await run(ActionAnswerProcedure(), tracker, domain)
    assert slot_values(events)["current_procedure"] == RESIDENCE
    assert "thủ tục nào" not in texts(messages)


async def test_a_short_unplaced_question_after_an_answer_stays_on_it_with_the_leaning_aspect(
    domain: dict[str, Any],
) -> None:
    tracker = ask(
        "giấy dài 12 trang thì tính sao",
        aspects={"fee": 0.46, "steps": 0.12},
        followup=0.3,
        slots={"current_procedure": CERTIFIED_COPY, "procedure_aspects": []},
        previous_events=AFTER_AN_ANSWER,
    )
    events, messages = await run(ActionAnswerProcedure(), tracker, domain)
    assert slot_values(events)["current_procedure"] == CERTIFIED_COPY
    assert "1.000 đồng" in texts(messages) and "chưa có trong danh mục" not in texts(messages)


async def test_a_paper_of_the_current_dossier_asked_about_below_the_threshold_stays_on_it(
    domain: dict[str, Any],
) -> None:
    tracker = ask(
        "thế văn bản ủy quyền có bắt buộc chứng thực không",
        aspects={"documents": 0.48, "eligibility": 0.36},
        followup=0.3,
        slots={"current_procedure": BIRTH},
        entities=[{"entity": "procedure", "value": "chứng thực", "start": 33, "end": 43}],
    )
    events, messages = await run(ActionAnswerProcedure(), tracker, domain)
    assert slot_values(events)["current_procedure"] == BIRTH
    assert "không cần chứng thực" in texts(messages)


def test_a_question_writing_out_an_official_name_gets_that_procedure() -> None:
    hits = [
        Hit("P", "Đăng ký thường trú", 52),
        Hit("D", "Khai báo thông tin về cư trú đối với người chưa đủ điều kiện đăng ký thường trú", 49),
        Hit("X", "Xóa đăng ký thường trú", 37),
    ]
    question = (
        "Đề nghị cho biết thành phần hồ sơ, thời hạn giải quyết và mức lệ phí đối với thủ tục đăng ký thường "
        "trú trong trường hợp công dân đăng ký vào chỗ ở hợp pháp thuộc quyền sở hữu của mình."
    )
    settled = settle(question, hits, ambiguous=True)
    assert settled.answer.code == "P" and [h.code for h in settled.offered] == ["D", "X"]
    # the longest name written out wins; a two-word name ("Cấp lại") is no name written out
    foreign = [Hit("K", "Đăng ký khai sinh", 30), Hit("F", "Đăng ký khai sinh có yếu tố nước ngoài", 29)]
    assert named_in("đăng ký khai sinh có yếu tố nước ngoài cần gì", foreign).code == "F"
    assert named_in("cấp lại bao lâu", [Hit("A", "Cấp lại", 9), Hit("B", "Cấp lại thẻ", 8)]) is None


ID_REISSUE = "1.014064"  # Cấp lại thẻ căn cước
ID_RENEWAL = "1.014063"  # Cấp đổi thẻ căn cước


def test_the_current_procedure_leads_its_topic_among_strangers() -> None:
    strangers = [
        Hit("1.012786", "Cấp lại Giấy chứng nhận do bị mất", 16.5),
        Hit(LICENCE_RENEWAL, "Cấp lại giấy phép lái xe", 14.8),
        Hit(ID_REISSUE, "Cấp lại thẻ căn cước", 12.4),
    ]
    # "bị mất rồi" right after the card's re-issue: the land certificate and the licence are strangers
    assert leads_its_topic(ID_REISSUE, strangers)
    # after the card's renewal, its re-issue ranked above it is about the same card: not the renewal's
    siblings = [Hit(ID_REISSUE, "Cấp lại thẻ căn cước", 16), Hit(ID_RENEWAL, "Cấp đổi thẻ căn cước", 12)]
    assert not leads_its_topic(ID_RENEWAL, siblings)
    # far behind the top, the current procedure is not what the words found
    assert not leads_its_topic(
        ID_REISSUE, [Hit("1.012786", "Cấp lại Giấy chứng nhận do bị mất", 30), *strangers[2:]]
    )


async def test_a_circumstance_of_the_current_procedure_stays_on_it(domain: dict[str, Any]) -> None:
    tracker = ask(
        "bi mat r ad, rot dau mat tieu",
        slots={"current_procedure": ID_REISSUE},
        previous_events=[{"event": "action", "name": "action_answer_procedure"}],
    )
    events, messages = await run(ActionAnswerProcedure(), tracker, domain)
    assert slot_values(events)["current_procedure"] == ID_REISSUE
    assert "70.000" in texts(messages)  # its overview, fee included


async def test_a_variant_named_after_an_answer_is_not_out_of_scope(domain: dict[str, Any]) -> None:
    after_answer = {
        "slots": {"current_procedure": BUILDING_PERMIT},
        "previous_events": [{"event": "action", "name": "action_answer_procedure"}],
    }
    reply = make_tracker("xây mới nhà ở riêng lẻ", intent="out_of_scope", aspects={}, **after_answer)
    events, messages = await run(ActionOutOfScope(), reply, domain)
    assert events == [{"event": "followup", "name": "action_answer_procedure", "timestamp": None}]
    # a request for a private builder shares two words with the permit: still out of scope
    builder = make_tracker("cho xin số thợ xây nào uy tín", intent="out_of_scope", aspects={}, **after_answer)
    events, messages = await run(ActionOutOfScope(), builder, domain)
    assert not events and messages[0]["response"] == "utter_out_of_scope"


SINGLE_STATUS = "1.004873"  # Cấp Giấy xác nhận tình trạng hôn nhân
TEMPORARY_RESIDENCE = "1.004194"  # Đăng ký tạm trú


async def test_how_long_a_paper_lasts_is_answered_though_the_nlu_reads_a_length_of_time(
    domain: dict[str, Any],
) -> None:
    """The NLU has no validity label: "tối đa bao lâu" reads as the processing time there, the knowledge
    layer reads the validity, which replaces it (never "03 ngày làm việc" for how long one may stay)."""
    question = "đăng ký tạm trú được tối đa bao lâu"
    tracker = ask(question, aspects={"time": 0.9})
    events, messages = await run(ActionAnswerProcedure(), tracker, domain)
    assert slot_values(events)["current_procedure"] == TEMPORARY_RESIDENCE
    assert slot_values(events)["procedure_aspects"] == ["validity"]
    assert texts(messages) == knowledge.answer(TEMPORARY_RESIDENCE, "validity")
    assert "02 năm" in texts(messages) and "03 ngày làm việc" not in texts(messages)


async def test_a_bare_follow_up_on_validity_stays_on_the_paper_in_the_talk(domain: dict[str, Any]) -> None:
    for question, read in [("giấy đó có thời hạn ko", {"time": 0.6}), ("xài dc bao lâu", {})]:
        tracker = ask(
            question,
            aspects=read,
            followup=0.95,
            slots={"current_procedure": SINGLE_STATUS, "procedure_aspects": ["documents"]},
        )
        events, messages = await run(ActionAnswerProcedure(), tracker, domain)
        assert slot_values(events)["current_procedure"] == SINGLE_STATUS, question
        assert texts(messages) == knowledge.answer(SINGLE_STATUS, "validity"), question
        assert "06 tháng" in texts(messages)


def test_validity_replaces_only_what_the_nlu_mistook_it_for() -> None:
    # a clause of its own asking the processing time keeps it
    assert with_unlearned_aspects(["time", "validity"], ["time", "validity"]) == ["time", "validity"]
    # a single reading: validity first, the length of time the NLU read is dropped, the papers kept
    assert with_unlearned_aspects(["time", "documents"], ["validity"]) == ["validity", "documents"]
    assert with_unlearned_aspects(["eligibility"], ["validity"]) == ["validity"]
    # nothing to replace when the knowledge layer reads no unlearned aspect
    assert with_unlearned_aspects(["time"], ["time"]) == ["time"]


def test_a_formal_request_asking_two_aspects_without_question_words_gets_both() -> None:
    question = (
        "Kính gửi Tổng đài, tôi cần cấp Phiếu lý lịch tư pháp số 1 để bổ sung hồ sơ xin việc. "
        "Đề nghị cho biết cơ quan có thẩm quyền cấp và thời hạn giải quyết."
    )
    # the papers are only mentioned ("bổ sung hồ sơ"): what the request asks is the office and the time
    assert clause_aspects(question) == ["place", "time"]


def test_an_aspect_stated_outright_wins_over_papers_the_question_names() -> None:
    question = "cong chung photo can cuoc voi hoc ba o xa het bao nhieu"
    assert with_stated_aspect(["documents"], question) == ["fee"]
    # what the NLU read stays when the question states nothing else, or states the same
    assert with_stated_aspect(["documents"], "photo can cuoc voi hoc ba") == ["documents"]
    assert with_stated_aspect(["fee"], question) == ["fee"]


async def test_a_short_question_naming_another_procedure_reads_its_own_aspect_before_the_last_one(
    domain: dict[str, Any],
) -> None:
    # the last question was where to file the birth registration; the NLU is unsure of "phí nhiêu"
    tracker = ask(
        "a ma vo tui doi cccd luon thi phi nhiu",
        aspects={"fee": 0.35, "documents": 0.18},
        followup=0.2,
        entities=[{"entity": "procedure", "value": "Cấp đổi thẻ căn cước", "start": 14, "end": 22}],
        slots={"current_procedure": BIRTH, "procedure_aspects": ["place"]},
    )
    events, messages = await run(ActionAnswerProcedure(), tracker, domain)
    assert slot_values(events)["current_procedure"] == ID_EXCHANGE
    assert "lệ phí" in texts(messages) and "50.000" in texts(messages)


def test_a_typed_action_picks_the_offered_variant_doing_it() -> None:
    # dev25: "cấp lại do mất á" under the ID card's variants is the re-issue, not a fresh search
    choices = [
        ("1.014062", "Cấp thẻ căn cước cho người dưới 14 tuổi"),
        ("1.014060", "Tích hợp, cập nhật, điều chỉnh thông tin trên thẻ căn cước"),
        ("1.014064", "Cấp lại thẻ căn cước"),
    ]
    answered = ("1.014061", "Cấp thẻ căn cước cho người từ đủ 14 tuổi trở lên")
    assert match_choice("cấp lại do mất á", choices, answered) == "1.014064"
    assert match_choice("bị mất rồi", choices, answered) == "1.014064"
    # another paper named: no pick, searched afresh
    assert match_choice("còn sổ đỏ bị mất thì sao", choices, answered) is None
    assert match_choice("làm mất bao lâu", choices, answered) is None
