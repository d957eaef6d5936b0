"""Procedure choice of the dev13/dev14 round: a variant that what the citizen said rules out (their age,
no foreign element) is not offered beside the answer."""

from __future__ import annotations

from dataclasses import dataclass

from actions.procedure_choice import contradicted, settle


@dataclass
class _Hit:
    code: str
    name: str
    score: float


UNDER_14 = _Hit("1.014062", "Cấp thẻ căn cước cho người dưới 14 tuổi", 30.0)
FROM_14 = _Hit("1.014061", "Cấp thẻ căn cước cho người từ đủ 14 tuổi trở lên", 29.5)
UPDATE = _Hit("1.014066", "Tích hợp, cập nhật, điều chỉnh thông tin trên thẻ căn cước", 20.0)
MARRIAGE = _Hit("1.000894", "Đăng ký kết hôn", 40.0)
FOREIGN_MARRIAGE = _Hit("1.000688", "Đăng ký kết hôn có yếu tố nước ngoài", 36.0)


def test_a_stated_age_settles_the_card_and_the_other_age_is_not_offered() -> None:
    settled = settle("con tui 8 tuổi, làm căn cước cho nó ở đâu", [UNDER_14, FROM_14, UPDATE], ambiguous=True)
    assert settled.answer is UNDER_14
    assert FROM_14 not in settled.offered and UPDATE in settled.offered
    assert settled.facts == ["8 tuổi"]


def test_an_older_age_settles_the_other_card() -> None:
    settled = settle("tôi 30 tuổi làm căn cước lần đầu", [UNDER_14, FROM_14], ambiguous=True)
    assert settled.answer is FROM_14 and UNDER_14 not in settled.offered


def test_without_an_age_both_cards_stay_on_offer() -> None:
    settled = settle("làm căn cước ở đâu", [UNDER_14, FROM_14, UPDATE], ambiguous=True)
    assert settled.answer is not None
    assert {h.code for h in [settled.answer, *settled.offered]} >= {UNDER_14.code, FROM_14.code}


def test_a_foreign_variant_is_not_offered_when_the_citizen_rules_it_out() -> None:
    said = "hai đứa đều là người Việt, đăng ký kết hôn có tốn tiền không"
    assert contradicted(said, FOREIGN_MARRIAGE) and not contradicted(said, MARRIAGE)
    settled = settle(said, [MARRIAGE, FOREIGN_MARRIAGE], ambiguous=True)
    assert settled.answer is MARRIAGE and FOREIGN_MARRIAGE not in settled.offered
    # nothing said about it: still offered
    assert (
        FOREIGN_MARRIAGE
        in settle("đăng ký kết hôn tốn tiền không", [MARRIAGE, FOREIGN_MARRIAGE], True).offered
    )


def test_a_contract_certified_is_answered_before_its_amendment() -> None:
    certify = _Hit(
        "2.001035", "Chứng thực giao dịch liên quan đến tài sản là động sản, quyền sử dụng đất, nhà ở", 42.5
    )
    copy = _Hit(
        "2.000942", "Cấp bản sao có chứng thực từ bản chính hợp đồng, giao dịch đã được chứng thực", 39.9
    )
    amend = _Hit("2.000913", "Chứng thực việc sửa đổi, bổ sung, hủy bỏ giao dịch", 38.6)
    settled = settle("hợp đồng đó chứng thực ở xã thì tốn bao nhiêu", [certify, copy, amend], ambiguous=True)
    assert settled.answer is certify and amend in settled.offered
    # the amendment said: the amendment
    amend_first = _Hit(amend.code, amend.name, 60.0)
    said = settle("muốn hủy bỏ hợp đồng đã chứng thực", [amend_first, certify], ambiguous=True)
    assert said.answer is amend_first
