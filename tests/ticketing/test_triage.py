"""Petition triage: category and area of what a citizen writes, as written or without diacritics."""

from collections import Counter
from pathlib import Path

import pytest
import yaml

from ticketing.directory import CATEGORY_CODES
from ticketing.triage import CONFIDENCE_THRESHOLD, TRAIN_PATH, classify, evaluate
from vietnam.text import fold, strip_diacritics

ROOT = Path(__file__).resolve().parents[2]
HELD_OUT = ROOT / "tests" / "data" / "triage_test.yml"


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Khu phố tôi bị cúp điện từ sáng tới giờ chưa có lại", "dien"),
        ("nuoc may nha toi bi duc va co mui tanh", "nuoc"),
        ("Quán karaoke hát tới 2 giờ sáng không ai ngủ được", "an_ninh_trat_tu"),
        ("Nhà bên cạnh xây 3 tầng không có giấy phép", "xay_dung"),
        ("Hồ sơ của tôi đã trễ hẹn 2 tuần mà không ai giải thích", "thu_tuc_hanh_chinh"),
        ("heo trong xom chet nhieu, nghi dich ta heo", "nong_nghiep"),
        ("Đèn đường trong hẻm bị hư cả tháng nay", "do_thi"),
    ],
)
def test_petitions_get_their_category_with_or_without_diacritics(text: str, category: str) -> None:
    assert classify(text).category == category
    assert classify(strip_diacritics(text)).category == category


def test_typos_and_abbreviations_do_not_change_the_category() -> None:
    assert classify("mat dienn tu sangg toi h ko co lai").category == "dien"
    assert classify("cty ko dong bhxh cho cong nhan").category == "lao_dong_an_sinh"


def test_the_area_comes_from_the_location_field_first_then_the_text() -> None:
    result = classify("Đường ở xã Hậu Mỹ bị sụp lún", location_text="phường 2, TP Sa Đéc")
    assert (result.area_code, result.area_name) == ("phuong_sa_dec", "Phường Sa Đéc")
    assert classify("Đường ở xã Hậu Mỹ bị sụp lún").area_code == "xa_hau_my"
    assert classify("duong o thi tran Vam Lang bi sup").area_code == "xa_gia_thuan"


def test_an_old_district_gives_candidates_but_no_area() -> None:
    result = classify("Mất điện cả ngày ở huyện Gò Công Tây")
    assert result.area_code is None and result.area_name is None
    assert set(result.area_candidates) == {
        "xa_vinh_binh",
        "xa_dong_son",
        "xa_phu_thanh",
        "xa_long_binh",
        "xa_vinh_huu",
    }
    narrowed = classify("Mất điện cả ngày", location_text="huyện Gò Công Tây, gần xã Đồng Sơn")
    assert narrowed.area_code == "xa_dong_son"


def test_place_names_are_no_evidence_for_a_category() -> None:
    a = classify("Nhờ kiểm tra giúp ở phường Mỹ Tho")
    b = classify("Nhờ kiểm tra giúp ở xã Tân Hồng")
    assert (a.category, a.confidence) == (b.category, b.confidence)


def test_what_cannot_be_classified_goes_to_the_agents() -> None:
    for text in ("", "   ", "alo", "🙂"):
        result = classify(text)
        assert result.needs_human and result.confidence < CONFIDENCE_THRESHOLD
        assert result.category in CATEGORY_CODES
    confident = classify("Cúp điện từ sáng tới giờ, điện lực chưa tới sửa")
    assert not confident.needs_human and confident.confidence >= CONFIDENCE_THRESHOLD


def test_long_input_is_handled() -> None:
    result = classify("Đèn đường bị hư. " * 2000, location_text="x" * 10000)
    assert result.category == "do_thi"


def test_training_and_held_out_data_are_big_enough_and_disjoint() -> None:
    train = yaml.safe_load(TRAIN_PATH.read_text(encoding="utf-8"))["categories"]
    held_out = yaml.safe_load(HELD_OUT.read_text(encoding="utf-8"))["examples"]
    assert set(train) == set(CATEGORY_CODES)
    assert min(len(texts) for texts in train.values()) >= 40
    per_category = Counter(ex["category"] for ex in held_out)
    assert set(per_category) == set(CATEGORY_CODES) and min(per_category.values()) >= 15
    seen = {fold(t) for texts in train.values() for t in texts}
    assert not [ex["text"] for ex in held_out if fold(ex["text"]) in seen]


def test_held_out_accuracy_stays_above_the_floor() -> None:
    # Regression guard below the measured values: category 0.983, area 1.0 written / 0.996 stripped
    # (one stripped example is truly ambiguous: "Binh Tan" is Bình Tấn or Bình Tân). See `make bench`.
    result = evaluate(HELD_OUT)
    assert result["category_accuracy"] >= 0.93
    assert result["category_accuracy_stripped"] >= 0.93
    assert result["area_accuracy"] >= 0.97
    assert result["area_accuracy_stripped"] >= 0.97
