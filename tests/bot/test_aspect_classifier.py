"""AspectClassifier: what a procedure question asks about and whether it names no procedure, learned from
Rasa metadata on the ask_procedure examples, trained and loaded in a real model storage.

Runs in the bot runtime: .venv-bot/bin/pytest tests/bot
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("rasa", reason="bot-runtime test: run with .venv-bot/bin/pytest tests/bot")

from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader
from rasa.shared.nlu.training_data.message import Message

from bot.components.aspect_classifier import AspectClassifier, example_labels
from bot.components.lexical_featurizer import VietnameseLexicalFeaturizer
from bot.components.vietnamese_tokenizer import VietnameseTokenizer

DATA = """
version: "3.1"
nlu:
- intent: ask_procedure
  metadata:
    aspects: [fee]
    followup: true
  examples: |
    - hết nhiêu tiền
    - phí sao ko
    - lệ phí bao nhiêu
    - có tốn tiền không
    - bn tiền z
- intent: ask_procedure
  metadata:
    aspects: [documents]
    followup: true
  examples: |
    - cần mang gì
    - cần giấy tờ gì
    - hồ sơ gồm những gì
    - can mang gi theo
- intent: ask_procedure
  metadata:
    aspects: [documents]
  examples: |
    - làm giấy khai sinh cần giấy tờ gì
    - đăng ký kết hôn cần mang gì
    - lý lịch tư pháp cần những gì
- intent: ask_procedure
  metadata:
    aspects: [fee]
  examples: |
    - lệ phí làm căn cước bao nhiêu
    - đăng ký kết hôn có tốn tiền không
    - cấp sổ đỏ hết bao nhiêu tiền
- intent: ask_procedure
  metadata:
    aspects: []
  examples: |
    - đăng ký khai sinh
    - thủ tục tách thửa
    - làm hộ chiếu
- intent: greet
  examples: |
    - xin chào
    - chào ad
"""


@pytest.fixture
def trained(tmp_path: Path) -> tuple:
    data_file = tmp_path / "nlu.yml"
    data_file.write_text(DATA, encoding="utf-8")
    data = RasaYAMLReader().read(str(data_file))
    (tmp_path / "storage").mkdir()
    storage = LocalModelStorage(tmp_path / "storage")
    context = ExecutionContext(GraphSchema({}), node_name="test")
    tokenizer = VietnameseTokenizer(VietnameseTokenizer.get_default_config())
    featurizer = VietnameseLexicalFeaturizer.create({}, storage, Resource("lexical"), context)
    classifier = AspectClassifier.create({}, storage, Resource("aspects"), context)
    data = tokenizer.process_training_data(data)
    featurizer.train(data)
    featurizer.process_training_data(data)
    classifier.train(data)
    loaded = AspectClassifier.load({}, storage, Resource("aspects"), context)
    return tokenizer, VietnameseLexicalFeaturizer.load({}, storage, Resource("lexical"), context), loaded


def _parse(trained: tuple, text: str) -> Message:
    message = Message(data={"text": text})
    for component in trained:
        component.process([message])
    return message


def _best(message: Message) -> str:
    return message.get("aspects")[0]["name"]


@pytest.mark.parametrize(
    ("text", "aspect"),
    [("hết bao nhiêu tiền vậy", "fee"), ("het nhieu tien", "fee"), ("cần mang giấy gì", "documents")],
)
def test_the_aspect_of_an_unseen_question(trained: tuple, text: str, aspect: str) -> None:
    message = _parse(trained, text)
    assert _best(message) == aspect
    assert message.get("aspects")[0]["confidence"] > 0.5


def test_a_follow_up_names_no_procedure_and_a_named_procedure_is_none(trained: tuple) -> None:
    assert _parse(trained, "phí sao vậy").get("followup")["confidence"] > 0.5
    assert _parse(trained, "làm giấy khai sinh tốn tiền không").get("followup")["confidence"] < 0.5


def test_the_intent_is_never_changed(trained: tuple) -> None:
    message = Message(data={"text": "hết nhiêu tiền", "intent": {"name": "deny", "confidence": 0.9}})
    for component in trained:
        component.process([message])
    assert message.get("intent") == {"name": "deny", "confidence": 0.9}


def test_a_message_without_known_features_has_no_aspect(trained: tuple) -> None:
    message = _parse(trained, "😀")
    assert message.get("aspects") == []
    assert message.get("followup") == {"confidence": 0.0}


def test_an_unknown_aspect_in_the_data_is_refused() -> None:
    message = Message(data={"text": "x", "metadata": {"intent": {"aspects": ["price"]}}})
    with pytest.raises(ValueError, match="unknown aspects"):
        example_labels(message)


def test_the_shipped_ask_procedure_data_is_labelled() -> None:
    """Every ask_procedure example of nlu_data/procedures.yml says what it asks (an empty list is a label)."""
    root = Path(__file__).resolve().parents[2]
    data = RasaYAMLReader().read(str(root / "nlu_data" / "procedures.yml"))
    examples = [e for e in data.intent_examples if e.get("intent") == "ask_procedure"]
    assert examples and all(example_labels(e) is not None for e in examples)
