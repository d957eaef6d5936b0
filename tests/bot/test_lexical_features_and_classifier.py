"""VietnameseLexicalFeaturizer and LinearIntentClassifier trained on a small data set in a real model storage.

Runs in the bot runtime: .venv-bot/bin/pytest tests/bot
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("rasa", reason="bot-runtime test: run with .venv-bot/bin/pytest tests/bot")

import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

from bot.components.lexical_featurizer import VietnameseLexicalFeaturizer, lemma_features, text_features
from bot.components.linear_intent_classifier import (
    CHARS_ONLY_FACTOR,
    LinearIntentClassifier,
    inverse_document_frequency,
)
from bot.components.vietnamese_tokenizer import VietnameseTokenizer, segment_words

TRAINING = {
    "ask_procedure": [
        "làm giấy khai sinh cần gì",
        "thủ tục đăng ký kết hôn",
        "lệ phí làm căn cước bao nhiêu",
        "hồ sơ xin giấy phép xây dựng gồm những gì",
    ],
    "greet": ["xin chào", "chào anh chị", "alo tổng đài", "chào buổi sáng"],
    "check_dossier_status": [
        "hồ sơ của tôi tới đâu rồi",
        "tra cứu hồ sơ 000.00.20.H19-250312-0004",
        "hồ sơ nộp tuần trước xong chưa",
        "kiểm tra tình trạng hồ sơ",
    ],
}


def _lemmas(text: str) -> list[str]:
    return [s.lemma for s in segment_words(text)]


def test_written_and_stripped_text_share_syllable_and_character_features() -> None:
    def features(text: str) -> dict:
        return lemma_features(_lemmas(text), 2, (2, 4))

    written, stripped = features("Làm giấy khai sinh"), features("lam giay khai sinh")
    assert set(written["syllable"]) == set(stripped["syllable"]) >= {"khai", "sinh", "khai sinh", "giay khai"}
    assert "khai_sinh" in written["word"]


def test_character_ngrams_are_those_of_sklearn_char_wb() -> None:
    lemmas = ["lam", "giay", "khai_sinh", "a"]
    analyzer = CountVectorizer(analyzer="char_wb", ngram_range=(2, 4), lowercase=False).build_analyzer()
    expected: dict[str, int] = {}
    for gram in analyzer(" ".join(lemmas)):
        expected[gram] = expected.get(gram, 0) + 1
    assert dict(lemma_features(lemmas, 2, (2, 4))["char"]) == expected


def test_text_with_diacritics_adds_word_and_character_ngrams_of_the_text_as_written() -> None:
    features = text_features("Bán nhà, BẠN ơi", 3, (2, 5))
    assert {"bán", "bạn", "bán nhà", "nhà bạn ơi"} <= set(features["text_word"])
    assert "ban" not in features["text_word"]  # the lemmas already say "ban" for both
    analyzer = CountVectorizer(analyzer="char_wb", ngram_range=(2, 5)).build_analyzer()
    expected: dict[str, int] = {}
    for gram in analyzer("bán nhà bạn ơi"):
        expected[gram] = expected.get(gram, 0) + 1
    assert dict(features["text_char"]) == expected


def test_text_without_diacritics_adds_no_text_ngrams() -> None:
    assert text_features("ban nha ban oi", 3, (2, 5)) == {"text_word": {}, "text_char": {}}
    assert text_features("xin chào", 0, (2, 5)) == {"text_word": {}, "text_char": {}}


def test_idf_is_sklearns_smooth_idf() -> None:
    counts = scipy.sparse.csr_matrix([[1, 0, 2], [1, 1, 0], [1, 0, 0], [3, 0, 1]])
    expected = TfidfTransformer(smooth_idf=True).fit(counts).idf_
    assert inverse_document_frequency(counts) == pytest.approx(expected)


def test_digits_only_lemmas_share_one_number_feature() -> None:
    assert lemma_features(["15", "2024"], 1, (2, 2))["word"] == {"__number__": 2}


@pytest.fixture
def trained(tmp_path: Path) -> tuple:
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), node_name="test")
    tokenizer = VietnameseTokenizer(VietnameseTokenizer.get_default_config())
    featurizer = VietnameseLexicalFeaturizer.create({}, storage, Resource("lexical"), context)
    classifier = LinearIntentClassifier.create({"C": 10}, storage, Resource("classifier"), context)
    data = TrainingData(
        [Message(data={"text": t, "intent": intent}) for intent, texts in TRAINING.items() for t in texts]
    )
    data = tokenizer.process_training_data(data)
    featurizer.train(data)
    featurizer.process_training_data(data)
    classifier.train(data)
    loaded_featurizer = VietnameseLexicalFeaturizer.load({}, storage, Resource("lexical"), context)
    loaded_classifier = LinearIntentClassifier.load({"C": 10}, storage, Resource("classifier"), context)
    return tokenizer, loaded_featurizer, loaded_classifier


def _parse(trained: tuple, text: str) -> Message:
    message = Message(data={"text": text})
    for component in trained:
        component.process([message])
    return message


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("cho hỏi làm khai sinh cần giấy tờ gì", "ask_procedure"),
        ("cho hoi lam khai sinh can giay to gi", "ask_procedure"),
        ("chào ad", "greet"),
        ("ho so 000.00.20.H19-251001-0001 toi dau roi", "check_dossier_status"),
    ],
)
def test_a_model_loaded_from_storage_classifies_unseen_messages(
    trained: tuple, text: str, intent: str
) -> None:
    message = _parse(trained, text)
    assert message.get("intent")["name"] == intent
    ranking = message.get("intent_ranking")
    assert ranking[0]["name"] == intent
    assert sum(r["confidence"] for r in ranking) == pytest.approx(1.0)


@pytest.mark.parametrize("text", ["", "   ", "😀", "qqqq zzzz"])
def test_messages_without_known_features_get_zero_confidence(trained: tuple, text: str) -> None:
    message = _parse(trained, text)
    assert message.get("intent")["confidence"] == 0.0


def test_featurizer_emits_one_sentence_feature_per_family(trained: tuple) -> None:
    message = _parse(trained, "làm giấy khai sinh")
    origins = sorted(f.origin for f in message.features)
    assert origins == ["test:char", "test:syllable", "test:text_char", "test:text_word", "test:word"]
    assert all(f.type == "sentence" and f.attribute == "text" for f in message.features)


@pytest.mark.parametrize("text", ["chaoooo hoooss", "chàoooo hồooss"])
def test_a_message_known_only_by_character_ngrams_gets_a_scaled_down_confidence(
    trained: tuple, text: str
) -> None:
    """Keyboard mash shares character n-grams with everything: no word or syllable known, so at most 0.45."""
    message = _parse(trained, text)
    assert 0 < message.get("intent")["confidence"] <= CHARS_ONLY_FACTOR
    assert _parse(trained, "chào ad").get("intent")["confidence"] > 0.5


def test_a_rare_feature_weighs_more_than_a_common_one(trained: tuple) -> None:
    """idf: "kết hôn" is in one example (and its copy without diacritics), "hồ" in five."""
    _, featurizer, classifier = trained
    offsets = classifier._offsets()
    rare = offsets["test:word"] + featurizer.vocabulary["word"]["ket_hon"]
    common = offsets["test:syllable"] + featurizer.vocabulary["syllable"]["ho"]
    assert classifier.idf[rare] > classifier.idf[common] >= 1.0
