"""The redactor, the last line of defence of public text, on a corpus of Vietnamese variants of phones,
ID numbers, bank accounts, e-mails, names with titles and house addresses (issue 14, item 1)."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import pytest
import yaml

from ticketing.api.redact import MASK, redact

CORPUS_PATH = Path(__file__).parent / "data" / "redaction_corpus.yml"
CORPUS: list[dict[str, Any]] = yaml.safe_load(CORPUS_PATH.read_text(encoding="utf-8"))
NUMBER_KINDS = {"phone", "id", "bank"}
LOOKALIKES = str.maketrans("OoIl", "0011")


def _digits(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(LOOKALIKES)
    return "".join(ch for ch in text if ch.isdigit())


def test_the_corpus_is_large_and_covers_every_kind() -> None:
    kinds = {case["kind"] for case in CORPUS}
    assert len([c for c in CORPUS if c["kind"] != "keep"]) >= 100
    assert {"phone", "id", "bank", "email", "name", "address", "keep"} <= kinds


@pytest.mark.parametrize("case", CORPUS, ids=[f"{i:03d}-{c['kind']}" for i, c in enumerate(CORPUS)])
def test_personal_data_is_masked_and_the_rest_kept(case: dict[str, Any]) -> None:
    out = redact(case["text"])
    assert out is not None
    for secret in case.get("gone") or []:
        assert secret not in out, f"{secret!r} survived in {out!r}"
        digits = _digits(secret)
        if case["kind"] in NUMBER_KINDS and len(digits) >= 6:
            assert digits[-6:] not in _digits(out), f"the digits of {secret!r} survived in {out!r}"
    for kept in case.get("keep") or []:
        assert kept in out, f"{kept!r} was lost: {out!r}"
    if case.get("gone"):
        assert MASK in out


def test_none_and_empty_text_pass_through() -> None:
    assert redact(None) is None
    assert redact("") == ""
