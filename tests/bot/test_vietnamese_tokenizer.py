"""VietnameseTokenizer: underthesea words with exact offsets into the original text; odd input never raises.

Runs in the bot runtime: .venv-bot/bin/pytest tests/bot
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
import yaml

pytest.importorskip("rasa", reason="bot-runtime test: run with .venv-bot/bin/pytest tests/bot")
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.vietnamese_tokenizer import VietnameseTokenizer, segment_words
from vietnam.text import strip_diacritics

ROOT = Path(__file__).resolve().parents[2]

SENTENCES = [
    "Làm giấy khai sinh cần gì vậy ạ?",
    "lam giay khai sinh can gi",
    "Cho hỏi hồ sơ 000.00.20.H19-250312-0004 đến đâu rồi",
    "tôi ở xã Mỹ Phước Tây, sđt 0912 345 678 nhé!!!",
    "ko dc hs gplx cccd",
    "Hoà  hòa Thuỵ   khoẻ",  # old-style tone placement that underthesea rewrites
    "Ｆｕｌｌwidth текст 中文 عربى",
    "phản ánh PA-250101-0001 chưa thấy trả lời...",
    "  đầu và cuối có khoảng trắng  ",
]

ODD_INPUTS = [
    "",
    " ",
    "\n\t ",
    "😀",
    "👍👍👍 ok",
    "⭐⭐⭐⭐⭐",
    "?!...",
    "a" * 5000,
    ("Cho hỏi làm giấy khai sinh cần những gì ạ. " * 120)[:5000],
    "Ｆｕｌｌ текст 中文 עברית",
    "xin chàо",  # Cyrillic "о" at the end
    "Đ\u0301",  # stray combining mark
    "\u0301\u0300",  # combining marks only
    unicodedata.normalize("NFD", "Đồng Tháp hoà bình"),
    "\x00\x01 điều khiển \x7f",
    "zero\u200bwidth\u200djoiner",
    "\ud800 lone surrogate",
    "mixed ОНЛАЙН online trực tuyến",
]


def _tokenize(text: str, **config: object) -> list:
    tokenizer = VietnameseTokenizer({**VietnameseTokenizer.get_default_config(), **config})
    return tokenizer.tokenize(Message(data={"text": text}), "text")


def _assert_exact_offsets(text: str, tokens: list) -> None:
    previous_end = 0
    for token in tokens:
        assert 0 <= token.start < token.end <= len(text)
        assert token.start >= previous_end, "tokens overlap or are out of order"
        assert text[token.start : token.end] == token.text
        previous_end = token.end
    covered = {i for t in tokens for i in range(t.start, t.end)}
    for index, char in enumerate(text):
        if not char.isspace() and not unicodedata.combining(char):
            assert index in covered, f"character {char!r} at {index} is in no token"


@pytest.mark.parametrize("text", SENTENCES)
def test_every_token_has_exact_offsets_into_the_original_text(text: str) -> None:
    _assert_exact_offsets(text, _tokenize(text))


def test_offsets_are_exact_on_all_training_and_held_out_examples() -> None:
    files = sorted((ROOT / "nlu_data").glob("*.yml")) + sorted((ROOT / "tests/data/nlu_test").glob("*.yml"))
    texts = []
    for file in files:
        for block in (yaml.safe_load(file.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            if "intent" in block:
                texts += [line[2:] for line in block["examples"].splitlines() if line.startswith("- ")]
    assert texts, "no NLU examples found"
    for text in texts:
        _assert_exact_offsets(text, _tokenize(text))


def test_multi_syllable_words_are_kept_whole_with_a_folded_lemma() -> None:
    tokens = _tokenize("Làm giấy khai sinh cho con")
    by_text = {t.text: t.lemma for t in tokens}
    assert by_text["khai sinh"] == "khai_sinh"
    assert by_text["giấy"] == "giay"
    assert by_text["Làm"] == "lam"


def test_written_and_stripped_text_share_their_syllables() -> None:
    text = "Làm giấy khai sinh ở phường Mỹ Tho cần gì"

    def syllables(t: str) -> list[str]:
        return [s for token in _tokenize(t) for s in token.lemma.split("_")]

    assert syllables(text) == syllables(strip_diacritics(text)) == syllables(text.upper())


def test_tone_placement_rewritten_by_underthesea_keeps_the_original_characters() -> None:
    text = "Hoà Thuỵ"
    tokens = _tokenize(text)
    assert [t.text for t in tokens] == ["Hoà", "Thuỵ"]
    assert [t.lemma for t in tokens] == ["hoa", "thuy"]


def test_abbreviations_are_spelt_out_in_the_lemma_only() -> None:
    tokens = _tokenize("hs gplx ko dc")
    assert [t.text for t in tokens] == ["hs", "gplx", "ko", "dc"]
    assert [t.lemma for t in tokens] == ["ho_so", "giay_phep_lai_xe", "khong", "duoc"]
    assert [t.lemma for t in _tokenize("hs", expand_abbreviations=False)] == ["hs"]


def test_codes_and_phone_numbers_are_one_token_with_a_placeholder_lemma() -> None:
    text = "hồ sơ 000.00.20.H19-250312-0004, phản ánh pa-250101-0001, sđt 0912 345 678"
    tokens = _tokenize(text)
    lemmas = {t.text: t.lemma for t in tokens}
    assert lemmas["000.00.20.H19-250312-0004"] == "__dossier_code__"
    assert lemmas["pa-250101-0001"] == "__petition_code__"
    assert lemmas["0912 345 678"] == "__phone_number__"
    _assert_exact_offsets(text, tokens)


@pytest.mark.parametrize("text", ODD_INPUTS, ids=lambda t: repr(t[:20]))
def test_odd_input_never_raises_and_keeps_exact_offsets(text: str) -> None:
    tokens = _tokenize(text)
    _assert_exact_offsets(text, tokens)


def test_empty_and_blank_text_give_no_tokens() -> None:
    assert _tokenize("") == []
    assert _tokenize("  \n ") == []
    assert segment_words("\u0301") == []


def test_long_text_beyond_the_segmented_prefix_is_split_into_syllables() -> None:
    text = "khai sinh " * 20
    tokens = _tokenize(text, max_segmented_chars=30)
    _assert_exact_offsets(text, tokens)
    assert tokens[0].text == "khai sinh"
    assert tokens[-1].text == "sinh"


def test_training_adds_a_copy_of_each_example_without_diacritics() -> None:
    tokenizer = VietnameseTokenizer(VietnameseTokenizer.get_default_config())
    data = TrainingData(
        [
            Message(data={"text": "làm giấy khai sinh", "intent": "ask_procedure"}),
            Message(data={"text": "hello", "intent": "greet"}),
        ]
    )
    processed = tokenizer.process_training_data(data)
    texts = sorted((m.get("text"), m.get("intent")) for m in processed.intent_examples)
    assert texts == [
        ("hello", "greet"),
        ("lam giay khai sinh", "ask_procedure"),
        ("làm giấy khai sinh", "ask_procedure"),
    ]
    assert all(m.get("text_tokens") for m in processed.intent_examples)
