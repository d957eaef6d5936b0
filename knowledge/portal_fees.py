"""The national portal's fee for shipped procedures whose fee the province sets and we could not read.

Many entries say only "Theo Nghị quyết của HĐND tỉnh" (``audit.fee: not_published``): the amount of the
Đồng Tháp People's Council was not found. The national portal (dichvucong.gov.vn) still publishes a fee
column for the same record ("Miễn phí (Theo quy định của Luật phí và lệ phí ...)", "Miễn phí (Mức lệ phí
(nếu có) theo quy định của HĐND cấp tỉnh)"). This module derives that published value, shortened, into
``audit.portal_fee`` of the entry, whose ``audit.source`` already names the portal record; the answer
gives it as the portal's, beside who sets the official amount (``knowledge.answers``).

Only where our own fee text names no instrument that fixes amounts (a numbered circular or provincial
resolution: then the portal's "Miễn phí" would contradict a known source) and does not already quote
the portal.

    PYTHONPATH=. .venv/bin/python -m knowledge.portal_fees ../shared/data/tthc_catalog.jsonl.gz [--write]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
from collections.abc import Iterable
from pathlib import Path

from knowledge.catalogue import SHIPPED_DIR, load_shipped
from knowledge.portal_format import parse_channels
from knowledge.records import ChannelRecord, ProcedureRecord
from vietnam.text import fold

__all__ = ["derive_portal_fees", "portal_fee_text", "wants_portal_fee", "write_portal_fees"]

MAX_LENGTH = 200
# Our fee text says the province sets the fee, or the Law on Fees and Charges (no amount of its own).
_PROVINCE_SETS = re.compile(r"\bhdnd\b|hoi dong nhan dan|luat phi va le phi")
# ... but names an instrument with amounts (a circular, a numbered resolution): the portal is not needed.
_AMOUNT_INSTRUMENT = re.compile(r"\d+/\d{4}/(?:nq-hdnd|tt-btc)")
_QUOTES_PORTAL = re.compile(r"cong dich vu cong")
# Noise of the crawl's flattened cells inside a description ("Lệ phí : Đồng (", "Đồng (").
_CELL_NOISE = re.compile(r"^(?:Lệ phí\s*:\s*)?Đồng\s*\(", re.IGNORECASE)


def _folded(text: str) -> str:
    return fold(text.lower())


def wants_portal_fee(record: ProcedureRecord) -> bool:
    """True for an entry whose fee is not published and set by the province without a known amount."""
    if record.audit is None or record.audit.fee != "not_published":
        return False
    ours = _folded(" ".join(c.fee for c in record.channels if c.fee))
    if _AMOUNT_INSTRUMENT.search(ours) or _QUOTES_PORTAL.search(ours):
        return False
    return bool(_PROVINCE_SETS.search(ours))


def _strip_parens(text: str) -> str:
    """Drop a trailing unbalanced ")" and "(căn cứ ...)" references: the first clause is what counts."""
    text = re.sub(r"\s*\(căn cứ[^()]*(?:\([^()]*\)[^()]*)*\)", "", text, flags=re.IGNORECASE)
    while text.count(")") > text.count("("):
        text = text[: text.rfind(")")] + text[text.rfind(")") + 1 :]
    return text


def _description(fee: str) -> tuple[str, str | None]:
    """'Miễn phí (- Theo quy định ... .)' -> ('Miễn phí', 'theo quy định ...'): value, first clause."""
    value, _, rest = fee.partition("(")
    value = value.strip()
    if not rest:
        return value, None
    rest = _CELL_NOISE.sub("", rest.strip().lstrip("(").strip())
    first = re.split(r"\s+-\s+|(?<=\.)\s+", rest.lstrip("- ").strip(), maxsplit=1)[0]
    first = _strip_parens(first).strip().rstrip(".;) ").strip()
    if not first:
        return value, None
    first = first[:1].lower() + first[1:] if first[1:2].islower() else first
    return value, first


def portal_fee_text(channels: Iterable[ChannelRecord]) -> str | None:
    """One short text of the portal's fee over its channels; None when channels disagree on the value."""
    values: list[str] = []
    descriptions: list[str] = []
    for channel in channels:
        if not channel.fee:
            continue
        value, description = _description(channel.fee)
        values.append(value)
        if description and description not in descriptions:
            descriptions.append(description)
    if not values or len(set(values)) > 1:
        return None
    text = values[0] + (f" ({'; '.join(descriptions[:2])})" if descriptions else "")
    if len(text) > MAX_LENGTH:
        text = text[:MAX_LENGTH].rsplit(" ", 1)[0].rstrip(",;:(") + ")"
    return text


def _crawl(path: Path) -> dict[str, dict[str, object]]:
    opener = gzip.open if path.suffix == ".gz" else open
    records: dict[str, dict[str, object]] = {}
    with opener(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                obj = json.loads(line)
                records.setdefault(str(obj.get("ma_thu_tuc") or ""), obj)
    return records


def derive_portal_fees(
    records: Iterable[ProcedureRecord], crawl: dict[str, dict[str, object]]
) -> dict[str, str]:
    """code -> the portal's fee text, for the entries that want one and whose portal record gives one."""
    found: dict[str, str] = {}
    for record in records:
        portal = crawl.get(record.code)
        if portal is None or not wants_portal_fee(record):
            continue
        channels, _ = parse_channels(str(portal.get("cach_thuc_thuc_hien") or ""))
        text = portal_fee_text(channels)
        if text:
            found[record.code] = text
    return found


_CODE_LINE = re.compile(r'^  - code: "(?P<code>[^"]+)"')
_AUDIT_LINE = re.compile(r"^(?P<head>    audit: \{.*?)(?:, portal_fee: \"[^\"]*\")?\}\s*$")


def write_portal_fees(fees: dict[str, str], directory: Path = SHIPPED_DIR) -> int:
    """Set ``portal_fee`` in the one-line audit of each entry of ``fees``; the number of entries written."""
    written = 0
    for path in sorted(directory.glob("*.yml")):
        lines = path.read_text(encoding="utf-8").split("\n")
        code = None
        for i, line in enumerate(lines):
            match = _CODE_LINE.match(line)
            if match:
                code = match.group("code")
                continue
            audit = _AUDIT_LINE.match(line)
            if audit and code in fees:
                value = fees[code].replace('"', "'")
                lines[i] = f'{audit.group("head")}, portal_fee: "{value}"}}'
                written += 1
        path.write_text("\n".join(lines), encoding="utf-8")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m knowledge.portal_fees", description=__doc__)
    parser.add_argument("crawl", type=Path, help="the national portal crawl (.jsonl or .jsonl.gz)")
    parser.add_argument("--write", action="store_true", help="write audit.portal_fee into the shipped files")
    args = parser.parse_args(argv)
    fees = derive_portal_fees(load_shipped(), _crawl(args.crawl))
    for code, text in sorted(fees.items()):
        print(f"{code}: {text}")
    if args.write:
        print(f"written: {write_portal_fees(fees)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
