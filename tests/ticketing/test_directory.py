"""The directory as data: agencies, areas, categories and routing rules (ticketing/directory.py)."""

import unicodedata
from collections import Counter

from ticketing.directory import (
    CATEGORY_CODES,
    load_agencies,
    load_areas,
    load_categories,
    load_routing_rules,
)

AGENCIES = load_agencies()
BY_CODE = {a.code: a for a in AGENCIES}
AREAS = load_areas()


def test_categories_are_exactly_the_14_codes_with_vietnamese_names() -> None:
    categories = load_categories()
    assert [c.code for c in categories] == [
        "giao_thong",
        "do_thi",
        "moi_truong",
        "xay_dung",
        "dat_dai",
        "an_ninh_trat_tu",
        "dien",
        "nuoc",
        "y_te",
        "giao_duc",
        "lao_dong_an_sinh",
        "thu_tuc_hanh_chinh",
        "nong_nghiep",
        "khac",
    ]
    assert tuple(c.code for c in categories) == CATEGORY_CODES
    names = {c.code: c.name for c in categories}
    assert names["dien"] == "Điện" and names["an_ninh_trat_tu"] == "An ninh trật tự"
    assert all(
        c.description and c.description == unicodedata.normalize("NFC", c.description) for c in categories
    )


def test_the_province_departments_after_the_2025_mergers_are_listed() -> None:
    for code, name in [
        ("so_xay_dung", "Sở Xây dựng tỉnh Đồng Tháp"),
        ("so_nong_nghiep_moi_truong", "Sở Nông nghiệp và Môi trường tỉnh Đồng Tháp"),
        ("so_noi_vu", "Sở Nội vụ tỉnh Đồng Tháp"),
        ("so_y_te", "Sở Y tế tỉnh Đồng Tháp"),
        ("so_giao_duc_dao_tao", "Sở Giáo dục và Đào tạo tỉnh Đồng Tháp"),
        ("so_tai_chinh", "Sở Tài chính tỉnh Đồng Tháp"),
        ("so_tu_phap", "Sở Tư pháp tỉnh Đồng Tháp"),
        ("so_khoa_hoc_cong_nghe", "Sở Khoa học và Công nghệ tỉnh Đồng Tháp"),
        ("so_van_hoa_the_thao_du_lich", "Sở Văn hóa, Thể thao và Du lịch tỉnh Đồng Tháp"),
        ("so_cong_thuong", "Sở Công Thương tỉnh Đồng Tháp"),
        ("cong_an_tinh", "Công an tỉnh Đồng Tháp"),
        ("vp_ubnd_tinh", "Văn phòng Ủy ban nhân dân tỉnh Đồng Tháp"),
        ("ttphcc_tinh", "Trung tâm Phục vụ hành chính công tỉnh Đồng Tháp"),
    ]:
        assert BY_CODE[code].name == name
        assert BY_CODE[code].level == "province" and BY_CODE[code].source
    assert "Sở Giao thông vận tải" not in {a.short_name for a in AGENCIES}  # merged into Sở Xây dựng


def test_each_of_the_102_units_has_a_peoples_committee_and_a_service_centre() -> None:
    commune = [a for a in AGENCIES if a.level == "commune"]
    assert Counter(a.kind for a in commune) == {"people_committee": 102, "service_centre": 102}
    assert {a.area_code for a in commune} == {area.code for area in AREAS}
    assert BY_CODE["ubnd_phuong_my_tho"].name == "Ủy ban nhân dân phường Mỹ Tho"
    assert BY_CODE["ttphcc_xa_tan_phuoc_1"].name == "Trung tâm Phục vụ hành chính công xã Tân Phước 1"


def test_agency_codes_are_unique_and_uncertain_entries_say_why() -> None:
    assert len(BY_CODE) == len(AGENCIES)
    for agency in AGENCIES:
        assert agency.name == unicodedata.normalize("NFC", agency.name)
        if not agency.verified:
            assert agency.note, agency.code


def test_utilities_serve_the_two_former_provinces() -> None:
    utilities = [a for a in AGENCIES if a.kind == "utility"]
    assert {(a.code[:2], a.service_area) for a in utilities if a.code.startswith("pc_")} == {
        ("pc", "Đồng Tháp"),
        ("pc", "Tiền Giang"),
    }
    assert {a.service_area for a in utilities if a.code.startswith("cap_nuoc_")} == {
        "Đồng Tháp",
        "Tiền Giang",
    }


def test_areas_carry_their_former_province_districts_and_old_names() -> None:
    assert len(AREAS) == 102
    assert Counter(a.former_province for a in AREAS) == {"Tiền Giang": 57, "Đồng Tháp": 45}
    dao_thanh = next(a for a in AREAS if a.code == "phuong_dao_thanh")
    assert dao_thanh.former_districts == ("Thành phố Mỹ Tho",)
    assert "Phường 4, Thành phố Mỹ Tho" in dao_thanh.aliases and "Xã Đạo Thạnh" in dao_thanh.aliases


def test_every_routing_rule_points_to_a_real_agency() -> None:
    rules = load_routing_rules()
    assert {r.agency_code for r in rules} <= set(BY_CODE)
    per_category = Counter(r.category for r in rules)
    assert per_category == dict.fromkeys(CATEGORY_CODES, 102 + 1)
    defaults = {r.category: r.agency_code for r in rules if r.area_code is None}
    assert set(defaults) == set(CATEGORY_CODES)
    assert all(BY_CODE[code].level == "province" for code in defaults.values())


def test_local_issues_go_to_the_commune_and_utilities_by_former_province() -> None:
    route = {(r.category, r.area_code): r.agency_code for r in load_routing_rules()}
    assert route[("do_thi", "phuong_my_tho")] == "ubnd_phuong_my_tho"
    assert route[("dat_dai", "xa_cai_be")] == "ubnd_xa_cai_be"
    assert route[("an_ninh_trat_tu", "xa_tan_hong")] == "ubnd_xa_tan_hong"
    assert route[("thu_tuc_hanh_chinh", "phuong_sa_dec")] == "ttphcc_phuong_sa_dec"
    assert route[("dien", "phuong_my_tho")] == "pc_tien_giang"
    assert route[("dien", "phuong_cao_lanh")] == "pc_dong_thap"
    assert route[("nuoc", "xa_go_cong_dong")] == "cap_nuoc_tien_giang"
    assert route[("giao_thong", None)] == "so_xay_dung"
    assert route[("an_ninh_trat_tu", None)] == "cong_an_tinh"
    assert route[("y_te", "xa_hau_my")] == "so_y_te"
