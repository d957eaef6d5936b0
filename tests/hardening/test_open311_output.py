"""One bad stored value cannot break a whole public feed (issue 14, item 5, the output side): the XML
variant never carries characters XML 1.0 forbids and the JSON variant never carries NaN/Infinity."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from ticketing.api.open311_format import render, to_xml


def test_control_characters_never_reach_the_xml_feed() -> None:
    rows = [{"service_request_id": "PA-250701-0001", "description": "Đèn\x00 hư\x07\x1b, <ngay> & nay\ud800"}]
    root = ET.fromstring(to_xml("service_requests", rows))
    assert root.findtext("request/description") == "Đèn\ufffd hư\ufffd\ufffd, <ngay> & nay\ufffd"


def test_non_finite_numbers_become_null_in_json_and_empty_in_xml() -> None:
    rows = [{"lat": float("nan"), "long": float("inf"), "ok": 10.5}]
    body = render("json", "service_requests", rows).text
    assert json.loads(body) == [{"lat": None, "long": None, "ok": 10.5}]
    assert "NaN" not in body and "Infinity" not in body
    root = ET.fromstring(render("xml", "service_requests", rows).text)
    assert root.findtext("request/lat") == "" and root.findtext("request/ok") == "10.5"
