"""The aspect of a question is learnt from how citizens ask, not looked up in one keyword list."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.aspects import (
    ASPECTS,
    AspectModel,
    aspect_points,
    default_model,
    detect_aspect,
    load_examples,
    stated_aspect,
)


@pytest.mark.parametrize(
    ("text", "aspect"),
    [
        # Phrasings that name no cue phrase of the table: placed by the words they share with the examples.
        ("khai sinh cho con có tốn đồng nào không", "fee"),
        ("gia han tam tru het may dong vay", "fee"),
        ("trich luc ban sao giay khai sinh lay trong ngay dc ko", "time"),
        ("tui tự nghỉ ngang có được lãnh thất nghiệp hông", "eligibility"),
        ("đóng bảo hiểm thất nghiệp 2 năm được hưởng mấy tháng", "eligibility"),
        ("trợ cấp thất nghiệp được hưởng bao nhiêu phần trăm lương", "eligibility"),
        # A cue phrase does not decide alone: "già bao nhiêu" folds to "giá bao nhiêu" (a price).
        ("người già bao nhiêu tuổi thì được trợ cấp hằng tháng", "eligibility"),
        # What one receives is eligibility; what one pays is the fee.
        ("trợ cấp hưu trí xã hội được bao nhiêu tiền 1 tháng", "eligibility"),
        ("làm hộ chiếu hết bao nhiêu tiền", "fee"),
        # Southern speech and teen code.
        ("má tui 80 tuổi có được lãnh tiền trợ cấp hông", "eligibility"),
        ("lam cccd o dau z ad", "place"),
        ("dang ky ket hon can giay to j", "documents"),
        ("doi bang lai onl dc hong", "online"),
        # A reduction of the fee is about the fee.
        ("sinh viên làm lý lịch tư pháp có được giảm phí hông", "fee"),
        ("hộ nghèo có được miễn giảm lệ phí không", "fee"),
    ],
)
def test_new_phrasings_get_the_aspect_they_ask_about(text: str, aspect: str) -> None:
    assert detect_aspect(text) == aspect


@pytest.mark.parametrize(
    ("text", "aspect"),
    [
        # How long one has to do something is the filing deadline ...
        ("người nhà mất bao lâu phải đi khai tử", "deadline"),
        ("ở trọ bao lâu thì phải đăng ký tạm trú", "deadline"),
        ("sinh con mấy ngày là phải đi khai sinh", "deadline"),
        # ... how long one waits is the processing time.
        ("làm căn cước phải chờ bao lâu", "time"),
        ("đăng ký tạm trú bao lâu thì có", "time"),
        ("khai tử mất bao lâu", "time"),
        ("lam giay ket hon mat bao lau, co phai ca 2 dua cung di ko", "time"),
        # How long one must have paid in to qualify is eligibility; how long until paid is time.
        ("đóng bảo hiểm bao lâu thì được hưởng thai sản", "eligibility"),
        ("nộp hồ sơ thất nghiệp bao lâu thì được nhận tiền", "time"),
    ],
)
def test_a_length_of_time_one_must_act_within_is_the_deadline(text: str, aspect: str) -> None:
    assert detect_aspect(text) == aspect


def test_the_cue_phrases_alone_would_misread_what_the_model_reads_right() -> None:
    text = "người già bao nhiêu tuổi thì được trợ cấp hằng tháng"
    assert aspect_points(text) == {"fee": 2}  # the keyword table alone says "price"
    assert detect_aspect(text) == "eligibility"


def test_words_of_procedure_names_carry_no_aspect() -> None:
    examples = load_examples()
    assert {"sinh", "that", "nghiep"} <= examples.names_only
    assert "tien" not in examples.names_only and "o" not in examples.names_only
    # The same question about two procedures gets the same aspect.
    assert detect_aspect("rút bảo hiểm xã hội một lần cần gì") == detect_aspect("làm giấy khai sinh cần gì")


def test_every_aspect_is_learnt_and_training_is_deterministic() -> None:
    examples = load_examples()
    assert {aspect for _, aspect in examples.questions} == set(ASPECTS)
    again = AspectModel.train(examples.questions, examples.names_only, examples.name_pairs)
    assert again == default_model()


def test_an_empty_or_unknown_question_is_an_overview() -> None:
    assert detect_aspect("") == "overview"
    assert detect_aspect("xyzzy qwerty") == "overview"


def test_an_example_file_with_an_unknown_aspect_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "examples.yml"
    bad.write_text("procedures: [khai sinh]\naspects:\n  price: ['{p} bao nhiêu']\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown aspect 'price'"):
        load_examples(bad)


@pytest.mark.parametrize(
    "name",
    ["gia han tam tru", "cap so do lan dau", "trợ cấp thất nghiệp", "làm căn cước", "đăng ký khai sinh"],
)
def test_a_procedure_named_alone_is_an_overview_whatever_its_words_look_like(name: str) -> None:
    """ "gia hạn" is not "giá", "lần đầu" is not "ở đâu", "căn cước" is not "cần": pairs of a name."""
    assert detect_aspect(name) == "overview"


@pytest.mark.parametrize(
    "text", ["0912 345 678", "ấp 3 xã Tân Phước 1", "cảm ơn em", "đúng rồi", "bỏ qua", "Trần Thị Bé Năm"]
)
def test_a_reply_that_asks_nothing_is_an_overview(text: str) -> None:
    """Without a cue phrase the model must beat "overview" clearly; numbers, places, names do not."""
    assert detect_aspect(text) == "overview"


@pytest.mark.parametrize(
    ("text", "aspect"),
    [
        ("người khác đi làm giùm được không", "eligibility"),  # who may apply: a proxy
        ("2 dua phai co mat ko", "steps"),  # "có mặt" (be present), not "có mất" (cost)
        ("chừng nào lấy được", "time"),  # Southern "when"
        ("lên đâu làm vậy", "place"),
    ],
)
def test_follow_ups_of_a_conversation(text: str, aspect: str) -> None:
    assert detect_aspect(text) == aspect


@pytest.mark.parametrize(
    ("text", "aspect"),
    [
        # Being charged, said without "phí"/"tiền" as a cue phrase.
        ("chứng thực 5 bản sao có bị tính tiền từng bản hông", "fee"),
        # A missing or an extra paper is a question about the papers, not the steps or the deadline.
        ("em bé sinh ở nhà không có giấy chứng sinh thì đăng ký khai sinh thế nào", "documents"),
        ("xin cấp lại trích lục khai sinh có cần nộp bản cũ không", "documents"),
        ("xin xác nhận độc thân thì phải cung cấp thêm những giấy gì", "documents"),
        ("đổi bằng lái xe ô tô có cần giấy khám sức khỏe không", "documents"),
        # "Làm ở xa" says where the citizen works, not where to file.
        ("làm ăn ở xa muốn đăng ký tạm trú cần giấy tờ gì", "documents"),
        # Which form to fill in.
        ("cấp lại căn cước thì điền phiếu nào", "form"),
        # Who signs for a child is who may apply.
        ("cấp căn cước cho con 10 tuổi ai là người ký tờ khai", "eligibility"),
    ],
)
def test_fee_papers_form_and_signatory_questions_in_everyday_words(text: str, aspect: str) -> None:
    assert detect_aspect(text) == aspect


def test_an_aspect_is_stated_only_by_a_phrase_that_says_it_on_its_own() -> None:
    assert stated_aspect("đề nghị cho biết cơ quan có thẩm quyền cấp") == "place"
    assert stated_aspect("thời hạn giải quyết") == "time"
    assert stated_aspect("cong chung photo can cuoc voi hoc ba o xa het bao nhieu") == "fee"
    # an everyday word leans without stating ("phí", "hồ sơ"); a paper named states nothing
    assert stated_aspect("vo tui doi cccd luon thi phi nhiu") is None
    assert stated_aspect("cần cấp phiếu lý lịch tư pháp để bổ sung hồ sơ xin việc") is None
