"""Gazetteer (procedure, location) and code (dossier, ticket, phone) entity extraction.

Runs in the bot runtime: .venv-bot/bin/pytest tests/bot
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
import yaml

pytest.importorskip("rasa", reason="bot-runtime test: run with .venv-bot/bin/pytest tests/bot")
from rasa.shared.nlu.training_data.message import Message

from bot.components.code_extractor import CodeEntityExtractor
from bot.components.gazetteer import DEFAULT_PROCEDURE_TERMS, GazetteerEntityExtractor, TermMatcher
from vietnam.codes import PATTERNS, find_codes
from vietnam.text import strip_diacritics

ROOT = Path(__file__).resolve().parents[2]


def _gazetteer(text: str, **config: object) -> list[dict]:
    extractor = GazetteerEntityExtractor(config)
    message = Message(data={"text": text})
    extractor.process([message])
    return message.get("entities") or []


def _codes(text: str) -> list[dict]:
    extractor = CodeEntityExtractor({})
    message = Message(data={"text": text})
    extractor.process([message])
    return message.get("entities") or []


def _spans(text: str, entities: list[dict]) -> list[tuple[str, str, str]]:
    return [(e["entity"], text[e["start"] : e["end"]], e["value"]) for e in entities]


# procedures ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    ["Làm giấy khai sinh ở đâu ạ", "lam giay khai sinh o dau a", "LÀM GIẤY KHAI SINH Ở ĐÂU Ạ"],
)
def test_procedure_is_found_with_or_without_diacritics_and_in_any_case(text: str) -> None:
    entities = [e for e in _gazetteer(text) if e["entity"] == "procedure"]
    assert _spans(text, entities) == [("procedure", text[4:18], "Đăng ký khai sinh")]
    assert entities[0]["extractor"] == "GazetteerEntityExtractor"


def test_the_longest_alias_wins() -> None:
    text = "xin giấy xác nhận tình trạng hôn nhân"
    assert _spans(text, _gazetteer(text, entities=["procedure"])) == [
        ("procedure", "giấy xác nhận tình trạng hôn nhân", "Cấp Giấy xác nhận tình trạng hôn nhân")
    ]


def test_terms_match_whole_syllables_only() -> None:
    assert _gazetteer("khai sinhh", entities=["procedure"]) == []
    assert _gazetteer("tạm trúng", entities=["procedure"]) == []


def test_abbreviation_aliases_are_matched() -> None:
    text = "đổi GPLX hết hạn"
    assert _spans(text, _gazetteer(text, entities=["procedure"])) == [
        ("procedure", "GPLX", "Cấp, đổi giấy phép lái xe")
    ]


def test_offsets_point_into_text_that_is_not_nfc() -> None:
    text = unicodedata.normalize("NFD", "đăng ký kết hôn nhé")
    entities = _gazetteer(text, entities=["procedure"])
    assert len(entities) == 1
    assert strip_diacritics(
        unicodedata.normalize("NFC", text[entities[0]["start"] : entities[0]["end"]])
    ) == ("dang ky ket hon")


def test_several_procedures_are_found_left_to_right() -> None:
    text = "khai sinh xong thì đăng ký thường trú cho bé"
    assert [e["value"] for e in _gazetteer(text, entities=["procedure"])] == [
        "Đăng ký khai sinh",
        "Đăng ký thường trú",
    ]


def test_every_procedure_term_and_alias_finds_its_own_term() -> None:
    entries = yaml.safe_load(DEFAULT_PROCEDURE_TERMS.read_text(encoding="utf-8"))
    assert len(entries) >= 20
    for entry in entries:
        for surface in [entry["term"], *(entry.get("aliases") or [])]:
            found = _gazetteer(surface, entities=["procedure"])
            assert [e["value"] for e in found] == [entry["term"]], surface


def test_no_alias_names_two_procedures() -> None:
    entries = yaml.safe_load(DEFAULT_PROCEDURE_TERMS.read_text(encoding="utf-8"))
    owner: dict[str, str] = {}
    for entry in entries:
        for surface in [entry["term"], *(entry.get("aliases") or [])]:
            key = " ".join(re.findall(r"\w+", strip_diacritics(surface).lower()))
            assert owner.setdefault(key, entry["term"]) == entry["term"], f"{surface!r} is ambiguous"


def test_term_matcher_prefers_the_first_value_for_a_duplicate_surface() -> None:
    matcher = TermMatcher([("sổ đỏ", "A"), ("so do", "B")])
    assert [m.value for m in matcher.find("làm sổ đỏ")] == ["A"]


# locations ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["tôi ở phường Mỹ Tho", "toi o phuong my tho", "TÔI Ở PHƯỜNG MỸ THO"])
def test_location_value_is_the_official_unit_name(text: str) -> None:
    entities = [e for e in _gazetteer(text) if e["entity"] == "location"]
    assert [e["value"] for e in entities] == ["Phường Mỹ Tho"]
    assert text[entities[0]["start"] : entities[0]["end"]].lower().endswith(("mỹ tho", "my tho"))


def test_a_former_district_spanning_several_units_lists_candidates() -> None:
    text = "nhà tôi ở huyện Châu Thành"
    entities = [e for e in _gazetteer(text) if e["entity"] == "location"]
    assert len(entities) == 1
    assert text[entities[0]["start"] : entities[0]["end"]] == "huyện Châu Thành"
    assert len(entities[0]["candidates"]) > 1


def test_procedure_and_location_in_one_message() -> None:
    text = "lam so do o xa my phuoc tay"
    found = sorted(_spans(text, _gazetteer(text)))
    assert ("procedure", "so do", "Cấp Giấy chứng nhận quyền sử dụng đất") in found
    assert ("location", "xa my phuoc tay", "Phường Mỹ Phước Tây") in found


@pytest.mark.parametrize("text", ["", " ", "😀", "a" * 5000, "\u0301", "Ｆｕｌｌ текст"], ids=repr)
def test_gazetteer_never_raises(text: str) -> None:
    assert isinstance(_gazetteer(text), list)


# codes --------------------------------------------------------------------------------------------------
def test_dossier_code_petition_code_and_phone_numbers_are_normalised() -> None:
    text = "hs 000.00.20.h19-250312-0004, phản ánh pa-250101-0001, sđt 0912 345 678 hoặc +84 912.345.679"
    assert _spans(text, _codes(text)) == [
        ("dossier_code", "000.00.20.h19-250312-0004", "000.00.20.H19-250312-0004"),
        ("petition_code", "pa-250101-0001", "PA-250101-0001"),
        ("phone_number", "0912 345 678", "0912345678"),
        ("phone_number", "+84 912.345.679", "0912345679"),
    ]


def test_landline_numbers_and_all_ticket_prefixes() -> None:
    text = "gọi 02773851234 về HD-250101-0001, BC-250101-00012, LH-250101-000123"
    assert [e["entity"] for e in _codes(text)] == [
        "phone_number",
        "petition_code",
        "petition_code",
        "petition_code",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "000.00.20.H19-250312-00041",  # too many digits
        "00.00.20.H19-250312-0004",
        "XX-250101-0001",
        "091234567",  # 9 digits
        "1912345678",
        "ma so 123456789012",
    ],
)
def test_malformed_codes_are_not_entities(text: str) -> None:
    assert _codes(text) == []


def test_digits_inside_a_dossier_code_are_not_a_phone_number() -> None:
    assert [e["entity"] for e in _codes("000.00.20.H19-250312-0004")] == ["dossier_code"]


def test_regex_file_carries_the_same_patterns_as_the_extractor() -> None:
    data = yaml.safe_load((ROOT / "nlu_data" / "regex.yml").read_text(encoding="utf-8"))
    in_file = {
        block["regex"]: [line[2:] for line in block["examples"].splitlines() if line.startswith("- ")]
        for block in data["nlu"]
    }
    assert in_file == {name: [pattern] for name, pattern in PATTERNS.items()}


def test_find_codes_on_odd_input() -> None:
    assert find_codes("") == []
    assert find_codes("😀" * 100) == []
