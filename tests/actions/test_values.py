"""What a plausible answer looks like: names, places with their detail, days and times (actions/values.py)."""

from __future__ import annotations

import pytest

from actions.values import (
    find_introduced_name,
    find_time,
    read_detail,
    read_location,
    read_name,
    with_detail,
    with_place,
)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Nguyễn Văn Tư", "Nguyễn Văn Tư"),
        ("nguyen van tu", "Nguyen Van Tu"),
        ("tui tên Tư", "Tư"),
        ("tên tui là trần văn út ạ", "Trần Văn Út"),
        ("anh tên Hùng", "Hùng"),
        ("chị Sáu", "chị Sáu"),
        ("chú Út Hiền", "chú Út Hiền"),
        ("Tư", "Tư"),
        ("le thi hoa nha", "Le Thi Hoa"),
    ],
)
def test_names_are_read_as_names(text: str, name: str) -> None:
    assert read_name(text) == name


@pytest.mark.parametrize(
    "text",
    [
        "cho tôi gặp tổng đài viên",
        "gặp người thật",
        "ok",
        "Không",
        "Dạ",
        "0912345678",
        "ủa mà làm căn cước cần gì",
    ],
)
def test_requests_and_words_are_not_names(text: str) -> None:
    assert read_name(text) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("ấp 7 xã Mỹ Thọ", "ấp 7, Xã Mỹ Thọ"),
        ("ghi sai chỗ rồi, ở tổ 5 phường Sa Đéc mới đúng", "tổ 5, Phường Sa Đéc"),
        ("số 12 đường Lê Lợi phường Mỹ Tho", "số 12, đường Lê Lợi, Phường Mỹ Tho"),
        ("123/4 Nguyễn Trãi phường Mỹ Tho", "123/4 Nguyễn Trãi, Phường Mỹ Tho"),
        ("số nhà 45 ấp Tân Hòa xã Tân Phú", "số nhà 45, ấp Tân Hòa, Xã Tân Phú"),
        ("ap my phu xa my hiep", "ap my phu, Xã Mỹ Hiệp"),
    ],
)
def test_a_place_resolves_to_its_unit_and_keeps_the_hamlet_or_street(text: str, value: str) -> None:
    answer = read_location(text)
    assert answer is not None and answer.resolved
    assert answer.text() == value


def test_a_former_district_is_not_guessed_but_gives_candidates() -> None:
    answer = read_location("đường bể ở ấp 3 huyện Cái Bè")
    assert answer is not None and not answer.resolved
    assert len(answer.candidates) > 1
    assert answer.detail == "ấp 3"


def test_a_text_without_a_place_is_no_location_but_may_carry_a_detail() -> None:
    assert read_location("nhận hồ sơ tại nhà") is None
    assert read_location("ấp 7") is None
    assert read_detail("ấp 7") == "ấp 7"


@pytest.mark.parametrize(
    ("text", "when"),
    [
        ("sáng thứ hai tuần sau", "sáng thứ hai tuần sau"),
        ("9 giờ ngày 15/12", "9 giờ ngày 15/12"),
        ("thu 6 nha", "thu 6"),
        ("mai", "mai"),
        ("ngày 20 tháng 12, buổi sáng", "ngày 20 tháng 12, buổi sáng"),
    ],
)
def test_days_and_times_are_found(text: str, when: str) -> None:
    assert find_time(text) == when


@pytest.mark.parametrize("text", ["ấp 4 xã Mỹ Thọ", "nhận hồ sơ tại nhà", "toi muon hen", "0912345678"])
def test_places_and_other_words_are_not_times(text: str) -> None:
    assert find_time(text) is None


def test_a_name_introduced_in_a_longer_message_is_found() -> None:
    assert find_introduced_name("Tôi là Trần Văn Bé, sđt 0939123456, muốn nhận kết quả") == "Trần Văn Bé"
    assert find_introduced_name("9h sáng thứ tư, tên Châu Văn Hiền sđt 0932444666") == "Châu Văn Hiền"
    assert find_introduced_name("tui tên là Võ Văn Hai nè") == "Võ Văn Hai"
    # someone else's name, a place, no introduction: no name of the citizen
    assert find_introduced_name("phản ánh tên Nguyễn Văn A xả rác") is None
    assert find_introduced_name("tôi là người dân xã Mỹ Thọ") is None
    assert find_introduced_name("Nguyễn Văn Tư") is None


def test_codes_and_phone_numbers_are_no_times() -> None:
    assert find_time("nhận kết quả hồ sơ 000.00.20.H19-261113-0004, sđt 0939 123 456") is None
    assert find_time("hẹn 8 giờ sáng thứ Hai tuần sau, sđt 0911222333") == "8 giờ sáng thứ Hai tuần sau"


def test_a_name_opening_with_mai_is_no_time() -> None:
    assert find_time("Mai Thanh Phong, sđt 0901234500") is None
    assert find_time("Mai Thanh Phong, mai 9h") == "mai 9h"
    assert find_time("Mai 9h nhé") == "Mai 9h"


def test_a_detail_noun_written_with_other_diacritics_is_a_name() -> None:
    assert read_detail("Trương Công Định") == ""
    assert read_detail("Dương Văn Lâm") == ""
    assert read_detail("số 12 đường Lê Lợi") == "số 12, đường Lê Lợi"
    assert read_detail("Duong Le Loi") == "Duong Le Loi"  # without diacritics: it may be a street


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("e ten Huynh Ngoc Anh", "Huynh Ngoc Anh"),
        ("em tên Lâm Thị Bích nè", "Lâm Thị Bích"),
        ("tên tui là nguyễn văn tư", "Nguyễn Văn Tư"),
        ("tôi tên Đặng Văn Lộc, sđt 0912345678", "Đặng Văn Lộc"),
        ("chú tên Ba", "Ba"),
        ("ấp 2 xã Mỹ Thọ, e ten huynh ngoc anh", "Huynh Ngoc Anh"),
        ("con tên tran minh khoa sdt 0909123456", "Tran Minh Khoa"),
        # after a comma, "tên tôi là" is one introduction, not "tên" followed by "tôi là ..."
        ("đường ấp 3 ngập mấy ngày nay, tên tôi là Nguyễn Văn Ba sđt 0909123456", "Nguyễn Văn Ba"),
        ("duong ngap nuoc, ten tui la Nguyen Van Ba sdt 0909123456", "Nguyen Van Ba"),
        ("tên tôi: Lê Thị Hoa", "Lê Thị Hoa"),
    ],
)
def test_a_name_introduced_in_other_words_is_found_without_the_introduction(text: str, name: str) -> None:
    assert find_introduced_name(text) == name


def test_an_introduction_without_a_plausible_name_gives_none() -> None:
    assert find_introduced_name("tui tên là gì ko quan trọng") is None  # no family name, lower case
    assert find_introduced_name("em tên ở ấp 3") is None


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("số 88 đường 30 tháng 4 phường Hồng Ngự", "số 88, đường 30 tháng 4"),
        ("so 5 duong 3 thang 2", "so 5, duong 3 thang 2"),
    ],
)
def test_a_street_named_after_a_date_is_kept_whole(text: str, detail: str) -> None:
    assert read_detail(text) == detail


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Tôi Trịnh Văn Đức, 0392556677, muốn hẹn lên phường Thanh Hòa", "Trịnh Văn Đức"),
        ("Tui Nguyen Van Ut, 0944555666. Duong dat o ap 6 huyen Tan Phuoc cu loi lom", "Nguyen Van Ut"),
        ("rác bốc mùi quá trời. Mình Lê Thị Hoa 0912000111", "Lê Thị Hoa"),
        ("gửi về số 27 khu phố 1 phường Mỹ Phong, người nhận Lý Văn Tâm 0901234987", "Lý Văn Tâm"),
        ("giao tận nhà, nguoi nhan la Tran Van Hai nha", "Tran Van Hai"),
        ("ok, tui la Nguyen Hoang Phuc 0868112233, hen 9 gio sang thu ba", "Nguyen Hoang Phuc"),
        (
            "ko nho ma hs dau. Tui ten Vo Thi Kim Loan sdt 0965432187, nha o ap 2 xa Thap Muoi",
            "Vo Thi Kim Loan",
        ),
    ],
)
def test_a_name_opened_by_a_pronoun_or_as_the_receiver_is_found(text: str, name: str) -> None:
    assert find_introduced_name(text) == name


def test_a_pronoun_before_words_that_are_no_family_name_opens_no_name() -> None:
    assert find_introduced_name("Tôi Mỹ Tho, muốn hỏi") is None
    assert find_introduced_name("Tôi Đồng Tháp nè") is None
    assert find_introduced_name("tôi muốn phản ánh đèn đường") is None
    assert find_introduced_name("Tôi Trần") is None  # a family name alone is no full name


def test_a_corrected_place_replaces_the_place_a_description_names() -> None:
    assert (
        with_place("nuoc ko thoat duoc, o to 5 phuong Cao Lanh", "tổ 5, Phường Sa Đéc")
        == "nuoc ko thoat duoc, o tổ 5, phường Sa Đéc"
    )
    assert (
        with_place("đèn đường ấp 7 xã Mỹ Quí tắt hết gần 1 tháng", "ấp 8, Xã Mỹ Quí")
        == "đèn đường ấp 8, xã Mỹ Quí tắt hết gần 1 tháng"
    )
    assert with_place("đèn đường tắt hết gần 1 tháng", "ấp 8, Xã Mỹ Quí") == "đèn đường tắt hết gần 1 tháng"


def test_a_house_number_corrects_a_house_number_however_it_was_written() -> None:
    assert (
        with_detail("số 27, khu phố 1, Phường Mỹ Phong", "số nhà 72")
        == "số nhà 72, khu phố 1, Phường Mỹ Phong"
    )
    assert with_detail("số nhà 12, ấp 3, Xã Mỹ Quí", "số 14") == "số 14, ấp 3, Xã Mỹ Quí"
    assert with_detail("kp 2, Phường Mỹ Phong", "khu phố 3") == "khu phố 3, Phường Mỹ Phong"
