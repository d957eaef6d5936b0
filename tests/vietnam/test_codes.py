"""The codes citizens type: phones, dossier codes (with or without their dots), ticket codes."""

from __future__ import annotations

from vietnam.codes import (
    find_codes,
    find_dossier_code,
    find_phone_last4,
    find_ticket_code,
    is_ticket_code,
    normalize_dossier_code,
    normalize_phone,
)


def test_phone_numbers_are_stored_as_0_and_9_or_10_digits() -> None:
    assert normalize_phone("0912 345 678") == "0912345678"
    assert normalize_phone("+84 912.345.678") == "0912345678"
    assert normalize_phone("84912345678") == "0912345678"
    assert normalize_phone("0277 3851 234") == "02773851234"
    assert normalize_phone("12345") is None
    assert normalize_phone("số của tôi") is None


def test_dossier_codes_are_accepted_in_lower_case_and_with_spaces() -> None:
    assert find_dossier_code("000.00.20.h19-250312-0004") == "000.00.20.H19-250312-0004"
    assert find_dossier_code("mã hồ sơ 000.00.20.H19 - 250312 - 0004 ạ") == "000.00.20.H19-250312-0004"
    assert find_dossier_code("000.00.20-250312") is None


def test_ticket_codes_and_last_four_digits() -> None:
    assert find_ticket_code("pa-250312-0001") == "PA-250312-0001"
    assert find_ticket_code("mã BC-250312-0012") == "BC-250312-0012"
    assert find_ticket_code("PX-250312-0001") is None
    assert find_phone_last4("5678") == "5678"
    assert find_phone_last4("4 số cuối là 5 6 7 8") == "5678"
    assert find_phone_last4("0912345678") == "5678"
    assert find_phone_last4("567") is None


def test_a_dossier_code_typed_without_dots_or_with_spaces_is_the_same_code() -> None:
    code = "000.00.20.H19-250312-0004"
    assert find_dossier_code("hồ sơ 0000020H192503120004 sao rồi") == code
    assert find_dossier_code("ma ho so 000 00 20 h19 250312 0004") == code
    assert normalize_dossier_code("000,00,20,H19-250312-0004") == code
    assert normalize_dossier_code("PA-251127-0042") is None


def test_the_phone_ending_in_the_same_message_as_the_code_is_found() -> None:
    text = "hồ sơ 000.00.20.H19-250312-0004, 4 số cuối 5678"
    assert find_dossier_code(text) == "000.00.20.H19-250312-0004"
    assert find_phone_last4(text) == "5678"


def test_phones_written_with_brackets_or_slashes() -> None:
    assert normalize_phone("(091) 234 5678") == "0912345678"
    assert normalize_phone("0912/345/678") == "0912345678"


def test_ticket_codes_are_recognised_loosely_and_stored_upper_case() -> None:
    assert is_ticket_code(" pa-251202-0001 ")
    assert find_ticket_code("mã pa 251202 0001 nhé") == "PA-251202-0001"
    assert not is_ticket_code("PA-2512-0001")


def test_codes_are_found_left_to_right_without_overlaps() -> None:
    found = find_codes("sđt 0912 345 678, hồ sơ 000.00.20.H19-250312-0004, phản ánh PA-251202-0001")
    assert [(m.entity, m.value) for m in found] == [
        ("phone_number", "0912345678"),
        ("dossier_code", "000.00.20.H19-250312-0004"),
        ("petition_code", "PA-251202-0001"),
    ]
