"""The shared text rules that both runtimes use (bot/normalization.py)."""

import unicodedata

import pytest

from vietnam.text import expand_abbreviations, fold, normalize_text, strip_diacritics


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  làm   giấy\tkhai sinh \n cần gì  ", "làm giấy khai sinh cần gì"),
        ("Ðồng Tháp", "Đồng Tháp"),  # Icelandic eth typed for Đ
        ("hoà bình, thuỷ lợi", "hòa bình, thủy lợi"),  # tone marks placed the standard way
        ("Xin chа\u200bo", "Xin chao"),  # Cyrillic а and a zero-width space
        ("Ｈồ sơ", "Hồ sơ"),  # full-width Latin
        ("A\u0301o da\u0300i", "Áo dài"),  # decomposed input becomes NFC
        ("", ""),
    ],
)
def test_normalize_text_cleans_what_citizens_paste(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


@pytest.mark.parametrize(
    "kept",
    [
        "hs 000.00.20.H19-250312-0004 sao rồi",
        "sđt 0912 345 678",
        "phường Sơn Qui",  # an official ward name, not respelt to "Quy"
        "ko dc hok vậy 😀",
        "mã PA-251127-0042",
    ],
)
def test_normalize_text_keeps_codes_names_and_abbreviations(kept: str) -> None:
    assert normalize_text(kept) == kept


def test_normalized_text_is_nfc() -> None:
    text = normalize_text(unicodedata.normalize("NFD", "Thường trú ở phường Mỹ Phước Tây"))
    assert unicodedata.is_normalized("NFC", text)


def test_strip_diacritics_keeps_length_so_offsets_carry_over() -> None:
    text = "Đăng ký khai sinh ở xã Mỹ Hiệp, phường Thới Sơn"
    stripped = strip_diacritics(text)
    assert stripped == "Dang ky khai sinh o xa My Hiep, phuong Thoi Son"
    assert len(stripped) == len(text)
    start = fold(text).index("my hiep")
    assert text[start : start + 7] == "Mỹ Hiệp"


def test_fold_makes_spellings_with_and_without_diacritics_equal() -> None:
    assert fold("GIẤY KHAI SINH") == fold("giay khai sinh") == "giay khai sinh"
    assert fold("Đồng Tháp") == "dong thap"


def test_expand_abbreviations_spells_out_whole_words_only() -> None:
    assert expand_abbreviations("hs gplx ko dc") == "hồ sơ giấy phép lái xe không được"
    assert expand_abbreviations("cấp lại CCCD") == "cấp lại căn cước công dân"
    assert expand_abbreviations("kho hàng 50k") == "kho hàng 50k"


def test_expand_abbreviations_puts_english_terms_into_vietnamese() -> None:
    assert expand_abbreviations("how to register Temporary Residence, need gấp") == (
        "how to đăng ký tạm trú, need gấp"
    )
    assert expand_abbreviations("lost ID card, renew passport online fee") == (
        "mất căn cước, cấp đổi hộ chiếu online lệ phí"
    )
    assert expand_abbreviations("registered feelings") == "registered feelings"  # whole words only


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("đi làm khai xinh cho cháu", "đi làm khai sinh cho cháu"),
        ("Khai Xinh cho bé", "khai sinh cho bé"),
        ("làm căn cướt mất bao lâu", "làm căn cước mất bao lâu"),
        ("dk thường chú cho má", "đăng ký thường trú cho má"),
        ("tam chu o dau", "tạm trú o dau"),
        ("dăng ký kết hông", "đăng ký kết hôn"),
        # the words alone are left as written
        ("con bé xinh lắm", "con bé xinh lắm"),
        ("chú tui hỏi", "chú tui hỏi"),
        ("hông biết", "không biết"),
    ],
)
def test_expand_abbreviations_puts_misheard_procedure_words_right(typed: str, expected: str) -> None:
    assert expand_abbreviations(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("hd mua ban dat chung thuc o xa dc ko", "hợp đồng mua ban dat chung thuc o xa được không"),
        ("HĐ ủy quyền bán đất", "hợp đồng ủy quyền bán đất"),
        ("làm hđ thuê nhà", "làm hợp đồng thuê nhà"),
        ("pa giup tui, len xa", "phản ánh giup tui, len xa"),
        ("em muốn gửi pa về đường", "em muốn gửi phản ánh về đường"),
    ],
)
def test_expand_abbreviations_spells_out_shorthand_its_neighbours_settle(typed: str, expected: str) -> None:
    assert expand_abbreviations(typed) == expected


@pytest.mark.parametrize("kept", ["xem hd su dung", "hd xong roi", "pa me tui di lam", "pa tui ve roi"])
def test_expand_abbreviations_leaves_shorthand_its_neighbours_do_not_settle(kept: str) -> None:
    # "hd" may be "hướng dẫn" or "hóa đơn", "pa" a father: only the words next to them tell
    expanded = expand_abbreviations(kept)
    assert "hợp đồng" not in expanded
    assert "phản ánh" not in expanded
