"""What citizens read about their tickets comes from one module, in polite Vietnamese."""

from __future__ import annotations

import unicodedata

import pytest

from ticketing import labels
from ticketing.models import Category, TicketKind, TicketStatus


@pytest.mark.parametrize("status", list(TicketStatus))
def test_every_status_has_a_label_and_a_sentence(status: TicketStatus) -> None:
    assert labels.status_label(status) and labels.STATUS_SENTENCES[status]
    message = labels.status_message(
        "PA-261127-0001", status, "UBND phường Mỹ Tho", "17:00 ngày 04/12/2026", None
    )
    assert message.startswith("Dạ, yêu cầu mã PA-261127-0001 của anh/chị ")
    assert ("Thời hạn trả lời dự kiến" in message) == (
        status in ("new", "triaged", "assigned", "in_progress")
    )


@pytest.mark.parametrize("kind", list(TicketKind))
def test_every_kind_has_a_label_and_a_noun(kind: TicketKind) -> None:
    assert labels.kind_label(kind) and labels.kind_noun(kind)
    answer = labels.answer_message("PA-261127-0001", kind, None, "Nội dung", 7)
    assert answer.startswith(f"Dạ, Tổng đài 1022 xin trả lời {labels.kind_noun(kind)} mã PA-261127-0001")
    assert "trong vòng 7 ngày" in answer


def test_a_merged_ticket_points_to_the_ticket_it_joined() -> None:
    text = labels.status_message("PA-261127-0002", "closed", None, None, "PA-261127-0001")
    assert "gộp vào hồ sơ mã PA-261127-0001" in text
    assert "PA-261127-0001" in labels.public_status_note("closed", "PA-261127-0001")


def test_categories_read_as_their_directory_name() -> None:
    assert labels.category_label(Category(code="dien", name="Điện")) == "Điện"
    assert labels.category_label(None) is None


def test_all_wording_is_nfc_and_polite() -> None:
    texts = [
        *labels.STATUS_LABELS.values(),
        *labels.STATUS_SENTENCES.values(),
        *labels.KIND_LABELS.values(),
        *labels.KIND_NOUNS.values(),
        labels.SECOND_FACTOR_NEEDED,
        labels.SECOND_FACTOR_WRONG,
        labels.SECOND_FACTOR_LIMITED,
        labels.petition_received_notice(None),
    ]
    assert all(unicodedata.normalize("NFC", t) == t for t in texts)
    assert all(t.startswith("Dạ, ") for t in (labels.SECOND_FACTOR_NEEDED, labels.SECOND_FACTOR_WRONG))
