"""The 102 communes and wards of Đồng Tháp and the names citizens use for them (bot/places.py)."""

import unicodedata

import pytest

from vietnam.places import (
    all_districts,
    all_places,
    district_units,
    find_places,
    former_unit_notes,
    get_place,
    resolve_place,
    source,
)
from vietnam.text import strip_diacritics

WARDS = {
    "Mỹ Tho",
    "Đạo Thạnh",
    "Mỹ Phong",
    "Thới Sơn",
    "Trung An",
    "Gò Công",
    "Long Thuận",
    "Bình Xuân",
    "Sơn Qui",
    "An Bình",
    "Hồng Ngự",
    "Thường Lạc",
    "Cao Lãnh",
    "Mỹ Ngãi",
    "Mỹ Trà",
    "Sa Đéc",
    "Mỹ Phước Tây",
    "Thanh Hòa",
    "Cai Lậy",
    "Nhị Quý",
}
PLACES = all_places()
DISTRICTS = {d.id: d for d in all_districts()}


# Current units whose bare name is also a former district, town or city of several successor units
# (vietnam/data/places.yml, districts and former_districts), checked by hand against the resolution.
BARE_NAMES_ASKED = {
    *("xa_tan_hong", "xa_tam_nong", "xa_thanh_binh", "xa_thap_muoi", "xa_lap_vo", "xa_lai_vung"),
    *("xa_cai_be", "xa_chau_thanh", "xa_cho_gao", "xa_go_cong_dong", "xa_tan_phu_dong"),
    *("phuong_my_tho", "phuong_go_cong", "phuong_hong_ngu", "phuong_cao_lanh", "phuong_sa_dec"),
    "phuong_cai_lay",
}


def code_of(text: str) -> str | None:
    place = resolve_place(text)
    return place.code if place else None


def test_there_are_102_units_82_communes_and_the_20_wards_of_the_resolution() -> None:
    assert len(PLACES) == 102
    assert sum(p.kind == "xa" for p in PLACES) == 82
    assert {p.short_name for p in PLACES if p.kind == "phuong"} == WARDS
    assert [p.clause for p in PLACES] == list(range(1, 103))


def test_codes_are_unique_and_names_official() -> None:
    assert len({p.code for p in PLACES}) == 102
    for place in PLACES:
        assert place.name == unicodedata.normalize("NFC", place.name)
        assert place.name.startswith("Xã " if place.kind == "xa" else "Phường ")
        assert place.code.startswith(f"{place.kind}_")
        assert get_place(place.code) is place
    assert get_place("xa_khong_co") is None


def test_every_unit_lists_its_former_units_and_districts() -> None:
    # Resolution 1663/NQ-UBTVQH15 merges 308 former units (three of them split between two new units).
    assert sum(len(p.former_units) for p in PLACES) == 308
    for place in PLACES:
        assert place.verified
        assert place.former_units
        assert set(place.former_districts) <= set(DISTRICTS)
        assert {f.district for f in place.former_units} == set(place.former_districts)
    split = {f.name for p in PLACES for f in p.former_units if f.scope != "whole"}
    assert split == {"Xã Phú Thuận B", "Xã Gáo Giồng", "Xã Tân Thạnh"}


@pytest.mark.parametrize("place", PLACES, ids=lambda p: p.code)
def test_current_names_resolve_with_and_without_diacritics(place) -> None:
    # A bare name that was also a former district, town or city now spread over several units ("Cao Lãnh",
    # "Cái Bè", "Châu Thành") is asked (see below), unless named a commune or ward
    bare_is_asked = place.code in BARE_NAMES_ASKED
    assert code_of(place.short_name) == (None if bare_is_asked else place.code)
    assert code_of(place.name) == place.code
    stripped = find_places(strip_diacritics(place.name).lower())
    assert len(stripped) == 1 and place in stripped[0].candidates
    if place.code not in {"xa_tan_thanh_tan_hong", "xa_tan_thanh_thanh_binh"}:  # "Tan Thanh" is either
        assert stripped[0].place == place


def test_every_alias_resolves_to_its_unit() -> None:
    aliased = [(alias, p) for p in PLACES for alias in p.aliases]
    assert aliased
    for alias, place in aliased:
        assert code_of(alias) == place.code, alias
        assert code_of(strip_diacritics(alias)) == place.code, alias


@pytest.mark.parametrize("place", PLACES, ids=lambda p: p.code)
def test_every_former_unit_with_its_district_resolves_as_written_and_stripped(place) -> None:
    for former in place.former_units:
        address = f"{former.name}, {DISTRICTS[former.district].name}"
        for text in (address, strip_diacritics(address)):
            matches = find_places(text)
            assert len(matches) == 1, text
            if former.scope == "whole":
                assert matches[0].place == place, text
            else:  # split between two new units: both are candidates (a same-named current unit wins)
                assert place in matches[0].candidates, text
                assert matches[0].place is None or matches[0].place.short_name == former.short_name


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("thi tran Sa Rai", "xa_tan_hong"),
        ("Cai Tau Ha", "xa_phu_huu"),
        ("tt My Phuoc", "xa_tan_phuoc_1"),
        ("Vàm Láng", "xa_gia_thuan"),
        ("xa Thanh Cong", "xa_phu_thanh"),
        ("phuong 1 thanh pho My Tho", "phuong_my_tho"),
        ("P.4 Sa Dec", "phuong_sa_dec"),
        ("F1 Cao Lãnh", "phuong_cao_lanh"),
        ("p5, tx Cai Lậy", "phuong_cai_lay"),
        ("xã Tân Phú, huyện Châu Thành", "xa_tan_phu_trung"),
        ("xa Tan Phu (cu), huyen Tan Phu Dong", "xa_tan_thoi"),
        ("ấp 3, xã Mỹ Hội, huyện Cái Bè", "xa_hoi_cu"),
        ("xã Mỹ Hội huyện Cao Lãnh", "xa_my_tho"),
        ("Thường Phước I", "xa_thuong_phuoc"),
        ("Tân Lập 2", "xa_tan_phuoc_3"),
        ("Mỹ Quý", "xa_my_qui"),
        ("phuong Son Quy", "phuong_son_qui"),
        ("Hoà Long", "xa_hoa_long"),
        ("phuong my tho", "phuong_my_tho"),
    ],
)
def test_old_names_abbreviations_and_spellings_resolve(text: str, code: str) -> None:
    assert code_of(text) == code


@pytest.mark.parametrize(
    ("text", "district_ids"),
    [
        ("huyện Châu Thành", {"dt_chau_thanh", "tg_chau_thanh"}),
        ("huyen Cai Be", {"tg_cai_be"}),
        ("H. Cái Bè", {"tg_cai_be"}),
        ("Gò Công Tây", {"tg_go_cong_tay"}),
        ("TX Hồng Ngự", {"dt_hong_ngu_tp"}),
        ("huyện Châu Thành, Tiền Giang", {"tg_chau_thanh"}),
    ],
)
def test_former_districts_give_candidates_not_a_guess(text: str, district_ids: set[str]) -> None:
    expected = {p.code for p in PLACES if set(p.former_districts) & district_ids}
    [match] = find_places(text)
    assert match.place is None
    assert match.via == "former_district"
    assert {p.code for p in match.candidates} == expected
    assert resolve_place(text) is None


def test_a_bare_current_name_that_was_also_a_district_is_asked_the_unit_first() -> None:
    for text in ("ở Cái Bè", "cao lanh", "Cao Lãnh", "Hồng Ngự", "sa dec", "Cai Lậy", "Gò Công", "Chợ Gạo"):
        [match] = find_places(text)
        assert match.place is None, text
        assert match.candidates[0].kind in {"xa", "phuong"}
        assert len(match.candidates) >= 2, text
    [match] = find_places("ở Cái Bè")
    assert match.candidates[0].code == "xa_cai_be"
    assert {"xa_hau_my", "xa_my_thien"} <= {p.code for p in match.candidates}
    # named with its prefix: the unit; named as the former district or city: which commune, asked
    assert code_of("xã Cái Bè") == "xa_cai_be"
    assert code_of("phường Cao Lãnh") == "phuong_cao_lanh"
    assert code_of("p. Hồng Ngự") == "phuong_hong_ngu"
    [district] = find_places("huyện Cao Lãnh")
    assert district.place is None and "phuong_cao_lanh" not in {p.code for p in district.candidates}
    assert {"xa_ba_sao", "xa_phong_my"} <= {p.code for p in district.candidates}
    [city] = find_places("thành phố Cao Lãnh")
    assert city.place is None and city.candidates[0].code == "phuong_cao_lanh"


def test_a_bare_name_of_districts_in_both_former_provinces_is_asked_even_if_a_commune_bears_it() -> None:
    [match] = find_places("chau thanh")
    assert match.place is None
    assert match.candidates[0].code == code_of("xã Châu Thành")  # the commune first
    formers = {"dt_chau_thanh", "tg_chau_thanh"}
    assert {p.code for p in PLACES if set(p.former_districts) & formers} <= {p.code for p in match.candidates}
    assert code_of("xã Châu Thành") is not None  # named as a commune: that commune


def test_names_shared_by_two_units_without_diacritics_are_ambiguous() -> None:
    [match] = find_places("xa tan thanh")
    assert match.place is None
    # the two current units first, then the units that absorbed former communes spelt that way
    assert {p.code for p in match.candidates[:2]} == {"xa_tan_thanh_tan_hong", "xa_tan_thanh_thanh_binh"}
    assert {"xa_lai_vung", "xa_go_cong_dong"} <= {p.code for p in match.candidates}
    assert code_of("xã Tân Thành") == "xa_tan_thanh_tan_hong"
    assert code_of("xã Tân Thạnh") == "xa_tan_thanh_thanh_binh"
    assert code_of("xa Tan Thanh, Thanh Binh") == "xa_tan_thanh_thanh_binh"
    assert code_of("xã Mỹ Thọ") == "xa_my_tho"
    assert code_of("numbered ward alone: phường 1") is None


def test_find_places_reports_exact_offsets() -> None:
    text = "Đèn đường ở phường Mỹ Phong hư, còn P1 Mỹ Tho thì ngập; nhà tôi ở huyện Cái Bè."
    matches = find_places(text)
    assert [(m.matched, m.place.code if m.place else None) for m in matches] == [
        ("phường Mỹ Phong", "phuong_my_phong"),
        ("P1 Mỹ Tho", "phuong_my_tho"),
        ("huyện Cái Bè", None),
    ]
    assert matches[0].start == text.index("phường") and matches[0].end == text.index(" hư")
    for match in matches:
        assert text[match.start : match.end] == match.matched


def test_offsets_point_into_decomposed_input_too() -> None:
    text = unicodedata.normalize("NFD", "Cúp điện ở xã Hậu Mỹ")
    [match] = find_places(text)
    assert match.place.code == "xa_hau_my"
    assert text[match.start : match.end] == match.matched
    assert unicodedata.normalize("NFC", match.matched) == "xã Hậu Mỹ"


@pytest.mark.parametrize(
    "text",
    [
        "Hồ sơ nộp chưa thành công, mong được hòa bình và an bình",
        "Ấp Mỹ Thạnh bị ngập",  # a hamlet, not a commune
        "đường Đốc Binh Kiều bị hư",  # a street named after a person
        "Tôi muốn hỏi thủ tục làm giấy khai sinh",
        "Con tôi là F1 nên phải cách ly",  # a bare "F1"/"P1" without its city is not a ward
        "",
        "🙂🙂🙂",
    ],
)
def test_ordinary_words_hamlets_and_streets_are_not_places(text: str) -> None:
    assert find_places(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "karaoke tới 12 giờ đêm tui hong ngu duoc",  # "hông ngủ được": cannot sleep
        "ca dem hong ngu luon",
        "tui hông ngủ được",  # with diacritics it never matched ("Hồng Ngự" has other marks)
    ],
)
def test_southern_hong_ngu_cannot_sleep_is_not_the_ward(text: str) -> None:
    assert find_places(text) == []


@pytest.mark.parametrize("text", ["tui o hong ngu", "o hong ngu dc ko", "Hong Ngu duoc ko", "hong ngu"])
def test_hong_ngu_used_as_a_place_is_a_place_the_ward_first(text: str) -> None:
    # a place, not "không ngủ"; the ward, the former city or the former district: asked, the ward first
    [match] = find_places(text)
    assert match.candidates[0].code == "phuong_hong_ngu"
    assert code_of(text.replace("hong ngu", "phuong hong ngu").replace("Hong Ngu", "phường Hồng Ngự")) == (
        "phuong_hong_ngu"
    )


def test_a_prefixed_unit_after_a_street_word_is_still_the_unit() -> None:
    assert code_of("bờ kênh xã Trường Xuân") == "xa_truong_xuan"
    assert code_of("đường vô ấp Tân Hòa Thành, xã Hưng Thạnh") == "xa_hung_thanh"


def test_diacritics_written_must_agree() -> None:
    assert find_places("xã Mỹ Thạnh") == []  # no such unit; "Mỹ Thành" is another name
    assert code_of("xã Mỹ Thành") == "xa_my_thanh"
    assert code_of("xa My Thanh") == "xa_my_thanh"


def test_long_and_odd_text_is_handled() -> None:
    text = ("mất điện " * 600) + "xã Tân Hồng"
    matches = find_places(text)
    assert [m.place.code for m in matches] == ["xa_tan_hong"]
    assert find_places("\x00\u200b xã\tHậu\nMỹ")[0].place.code == "xa_hau_my"


def test_a_mention_names_the_former_units_and_districts_it_may_be() -> None:
    (sa_rai,) = find_places("Sa Rài giờ thuộc xã nào")
    assert [(f.name, p.code) for f, p in sa_rai.former_units] == [("Thị trấn Sa Rài", "xa_tan_hong")]
    assert sa_rai.districts == ()
    (chau_thanh,) = find_places("Châu Thành")
    assert {(d.name, d.province) for d in chau_thanh.districts} == {
        ("Huyện Châu Thành", "Đồng Tháp"),
        ("Huyện Châu Thành", "Tiền Giang"),
    }
    assert [p.code for p in district_units("dt_hong_ngu_huyen")] == [
        "xa_thuong_phuoc",
        "xa_long_khanh",
        "xa_long_phu_thuan",
        "xa_tan_long",
        "phuong_thuong_lac",
    ]
    assert source() == ("Nghị quyết 1663/NQ-UBTVQH15 ngày 16/6/2025", "2025-07-01")


@pytest.mark.parametrize(
    "text",
    [
        "anh Tan Phuoc chu nha tro bao phai co so do",  # the landlord's name, not the former district
        "chú Mỹ An hàng xóm nói vậy",
        "bà Thanh Bình bán tạp hóa",
    ],
)
def test_a_name_after_a_title_for_a_person_is_the_person(text: str) -> None:
    assert find_places(text) == []


@pytest.mark.parametrize("text", ["anh ở Tân Phước", "đi Tân Phước làm giấy tờ", "tui o Tan Phuoc"])
def test_a_place_said_with_a_person_nearby_is_still_a_place(text: str) -> None:
    assert [m.matched.lower() for m in find_places(text)] in (["tân phước"], ["tan phuoc"])


def test_a_former_town_and_one_of_its_wards_named_apart_settle_the_unit() -> None:
    # "Phường 1" alone is in five former towns; with "thị xã Cai Lậy" said elsewhere in the message, one
    assert resolve_place("thi xa Cai Lay cu do, phuong 1, gan cho").name == "Phường Mỹ Phước Tây"


def test_two_former_districts_named_apart_stay_unresolved() -> None:
    assert resolve_place("đường từ Cai Lậy đi Cái Bè hư hết rồi") is None


def test_an_old_commune_name_of_two_districts_says_what_each_became() -> None:
    # Mỹ Long was a commune of the former Cao Lãnh district and of the former Cai Lậy district
    assert former_unit_notes("ấp Mỹ Tây xã Mỹ Long") == {
        "Xã Mỹ Hiệp": "xã Mỹ Long (huyện Cao Lãnh cũ) nay thuộc Xã Mỹ Hiệp",
        "Xã Long Tiên": "xã Mỹ Long (huyện Cai Lậy cũ) nay thuộc Xã Long Tiên",
    }
    assert former_unit_notes("Mỹ Tho") == {}


def test_a_current_name_called_old_is_the_former_communes_of_that_name() -> None:
    # xã Tân Thành is a current unit; "xã Tân Thành cũ" is the former commune, in Lai Vung and Gò Công Đông
    (now,) = find_places("xã Tân Thành")
    assert now.place is not None and now.place.code == "xa_tan_thanh_tan_hong"
    (old,) = find_places("bờ kè ở ấp Cầu Muống xã Tân Thành cũ bị sạt")
    assert old.place is None
    assert {p.code for p in old.candidates} == {"xa_lai_vung", "xa_go_cong_dong"}
    # the Sa Đéc commune Tân Phú Đông, not the current xã Tân Phú Đông (the former district's)
    assert code_of("xã Tân Phú Đông (cũ)") == "xa_tan_duong"
    # a current name no former unit had stays the current unit
    assert code_of("xã Tân Hồng cũ") == "xa_tan_hong"


@pytest.mark.parametrize(
    "text",
    [
        "xã Tân Thạnh cũng huyện Tân Phú Đông",
        "xa Tan Thanh trong huyen Tan Phu Dong",
        "xã Tân Thạnh của huyện Tân Phú Đông cũ",
        "Tân Thạnh bên Tân Phú Đông đó",
    ],
)
def test_a_former_district_said_with_a_linking_word_narrows_the_commune(text: str) -> None:
    assert [m.place.code if m.place else None for m in find_places(text)] == ["xa_tan_thoi"]
