"""The API's building blocks without a server: masking, request schemas, XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from ticketing.api.errors import ValidationFailed
from ticketing.api.open311_format import to_xml
from ticketing.api.redact import redact
from ticketing.api.schema import Field, Schema


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("Gọi tôi 0912 345 678 nhé", "Gọi tôi *** nhé"),
        ("SĐT +84912345678, CCCD 087123456789", "SĐT ***, CCCD ***"),
        ("email an.nguyen@gmail.com", "email ***"),
        ("Số nhà 123, đường 30/4, năm 2025", "***, đường 30/4, năm 2025"),
        (
            "Mã PA-251127-0001, hồ sơ 000.00.20.H19-250312-0004",
            "Mã PA-251127-0001, hồ sơ 000.00.20.H19-250312-0004",
        ),
    ],
)
def test_public_text_hides_phone_id_numbers_and_emails_but_keeps_codes(text: str, masked: str) -> None:
    assert redact(text) == masked


SCHEMA = Schema(
    Field("name", required=True, max_length=5),
    Field("count", kind="integer", minimum=1),
    Field("tags", kind="array", enum=("a", "b")),
    Field("when", kind="date-time"),
)


def test_a_schema_normalises_to_nfc_and_checks_types() -> None:
    decomposed = "Ho\u0300a"  # "Hòa" with a combining grave accent
    assert SCHEMA.validate({"name": decomposed})["name"] == "Hòa"
    with pytest.raises(ValidationFailed) as failure:
        SCHEMA.validate({"name": "quá dài rồi", "count": True, "tags": ["c"], "when": "2026-11-27T08:00"})
    assert {d["field"]: d["message"] for d in failure.value.details} == {
        "name": "must be at most 5 characters",
        "count": "expected integer, got boolean",
        "tags": "must be one of: a, b",
        "when": "date-time must include a time zone (Z or +07:00)",
    }


def test_query_strings_are_converted_to_the_declared_types() -> None:
    parsed = SCHEMA.parse_query(
        {"name": "An", "count": "3", "tags": "a,b", "when": "2026-11-27T08:00:00+07:00"}
    )
    assert (
        parsed["count"] == 3
        and parsed["tags"] == ["a", "b"]
        and parsed["when"].utcoffset().seconds == 7 * 3600
    )
    with pytest.raises(ValidationFailed):
        SCHEMA.parse_query({"name": "An", "count": "ba"})


def test_open311_xml_repeats_singular_elements_and_escapes_text() -> None:
    xml = to_xml("services", [{"service_code": "do_thi", "service_name": "Đô thị <&>", "metadata": False}])
    root = ET.fromstring(xml)
    assert root.tag == "services"
    assert root.find("service/service_name").text == "Đô thị <&>"
    assert root.find("service/metadata").text == "false"
