"""Dossier status: a citizen gives the code and the last 4 digits of their phone, and learns where the
dossier stands and what to do next; nobody can fish for other people's dossiers."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from sqlalchemy import func, select

from knowledge.db import session_factory
from knowledge.dossier_models import Dossier
from knowledge.dossiers import DossierService
from knowledge.onestop import HttpOneStopClient, OneStopUnavailable
from knowledge.sample_dossiers import sample_dossiers
from security.models import SecondFactorCounter
from security.second_factor import DEFAULT_LIMITS, recent_alerts
from vietnam.codes import normalize_dossier_code

EXPORT = Path(__file__).resolve().parents[1] / "data" / "dossiers_export.csv"
# Monday 10 November 2025, 09:00 in Đồng Tháp.
MONDAY = datetime(2025, 11, 10, 2, 0, tzinfo=UTC)
BIRTH = "000.00.20.H19-251103-0001"  # due Tue 4 Nov, still processing: overdue
RESIDENCE = "000.00.20.H19-251103-0002"  # waiting for a paper
BUSINESS = "000.00.20.H19-251104-0003"  # completed, result by post


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(MONDAY)


@pytest.fixture
def service(tmp_path: Path, clock: Clock) -> DossierService:
    sessions = session_factory(f"sqlite:///{tmp_path / 'dossiers.sqlite3'}")
    svc = DossierService(sessions, now=clock)
    report = svc.import_csv(EXPORT)
    assert report.created == 3
    return svc


def test_csv_import_keeps_valid_rows_and_reports_every_rejected_one(service: DossierService) -> None:
    report = service.import_csv(EXPORT)
    assert (report.created, report.updated) == (0, 3)
    assert [line for line, _ in report.errors] == [5, 6, 7]
    reasons = " ".join(message for _, message in report.errors)
    assert "code" in reasons and "applicant_phone" in reasons and "status" in reasons
    with service.sessions() as session:
        stored = session.scalar(select(Dossier).where(Dossier.code == RESIDENCE))
        assert stored is not None
        assert stored.applicant_phone == "0900000102"  # +84 normalised
        assert stored.status == "additional_documents"


def test_codes_are_accepted_the_way_citizens_type_them() -> None:
    assert normalize_dossier_code(" 000.00.20.h19-251103-0001 ") == BIRTH
    assert normalize_dossier_code("000,00,20,H19-251103-0001") == BIRTH
    assert normalize_dossier_code("PA-251127-0042") is None


def test_a_malformed_code_gets_the_expected_format(service: DossierService) -> None:
    answer = service.lookup("12345", "0101", "zalo:u1")
    assert answer.outcome == "invalid_code"
    assert "000.00.20.H19-250312-0004" in answer.message


def test_details_need_the_second_factor_whether_or_not_the_code_exists(service: DossierService) -> None:
    known = service.lookup(BIRTH, None, "zalo:u1")
    unknown = service.lookup("000.00.20.H19-251103-0999", None, "zalo:u1")
    assert known.outcome == unknown.outcome == "need_second_factor"
    assert known.message == unknown.message
    assert "4 số cuối" in known.message
    assert "Mẫu" not in known.message


def test_unknown_code_and_wrong_digits_look_the_same(service: DossierService) -> None:
    wrong = service.lookup(BIRTH, "9999", "zalo:u1")
    unknown = service.lookup("000.00.20.H19-251103-0999", "0101", "zalo:u1")
    assert wrong.outcome == "wrong_second_factor"
    assert unknown.outcome == "not_found"
    assert wrong.message == unknown.message


def test_an_overdue_dossier_counts_working_days_and_offers_a_petition(service: DossierService) -> None:
    answer = service.lookup(BIRTH, "0101", "zalo:u1")
    assert answer.outcome == "found"
    assert answer.status == "overdue"
    assert answer.due_date == date(2025, 11, 4)
    # Wed 5, Thu 6, Fri 7, Mon 10 November: the weekend does not count.
    assert answer.working_days_overdue == 4
    assert "quá hạn 4 ngày làm việc" in answer.message
    assert "04/11/2025" in answer.message
    assert "phản ánh" in answer.message
    assert "0900000101" not in answer.message


def test_waiting_for_papers_says_which_paper_and_where(service: DossierService) -> None:
    answer = service.lookup(RESIDENCE, "0102", "tg:42")
    assert answer.status == "additional_documents"
    assert "Giấy tờ chứng minh chỗ ở hợp pháp" in answer.message
    assert "Công an xã Mỹ Hiệp" in answer.message


def test_a_completed_dossier_says_how_the_result_arrives(service: DossierService) -> None:
    answer = service.lookup(BUSINESS, "0103", "tg:42")
    assert answer.status == "completed"
    assert "Bưu điện" in answer.message


def test_wrong_guesses_are_rate_limited_per_requester(service: DossierService, clock: Clock) -> None:
    for guess in range(DEFAULT_LIMITS.per_pair):
        assert service.lookup(BIRTH, f"{guess:04d}", "web:guesser").outcome == "wrong_second_factor"
    # Even the right digits are refused now, so guessing cannot be finished.
    assert service.lookup(BIRTH, "0101", "web:guesser").outcome == "rate_limited"
    assert service.lookup(BIRTH, "0101", "web:someone-else").outcome == "found"
    clock.now += timedelta(hours=1, minutes=1)
    assert service.lookup(BIRTH, "0101", "web:guesser").outcome == "found"


def test_guessing_one_code_from_many_accounts_alerts_supervisors_without_locking_the_owner_out(
    service: DossierService,
) -> None:
    for account in range(DEFAULT_LIMITS.alert_at):
        assert (
            service.lookup(RESIDENCE, f"{account:04d}", f"web:bot-{account}").outcome == "wrong_second_factor"
        )
    assert service.lookup(RESIDENCE, "0102", "zalo:owner").outcome == "found"
    with service.sessions() as session:
        alerts = recent_alerts(session.get_bind(), since=MONDAY - timedelta(minutes=1))
    assert [(a["subject"], a["failures"]) for a in alerts] == [
        (f"dossier:{RESIDENCE}", DEFAULT_LIMITS.alert_at)
    ]


def test_300_guesses_at_once_never_check_more_than_the_cap(service: DossierService) -> None:
    outcomes: list[str] = []
    barrier = threading.Barrier(300)

    def guess(n: int) -> None:
        barrier.wait()
        outcomes.append(service.lookup(BIRTH, f"{n % 100:04d}", "web:guesser").outcome)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(1, 301)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert outcomes.count("wrong_second_factor") == DEFAULT_LIMITS.per_pair
    assert outcomes.count("rate_limited") == 300 - DEFAULT_LIMITS.per_pair
    assert service.lookup(BIRTH, "0101", "zalo:owner").outcome == "found"


def test_asking_without_digits_is_not_counted_as_a_guess(service: DossierService) -> None:
    for _ in range(DEFAULT_LIMITS.per_pair + 2):
        service.lookup(BIRTH, None, "web:forgetful")
    assert service.lookup(BIRTH, "0101", "web:forgetful").outcome == "found"
    with service.sessions() as session:  # the right answer gave its count back
        assert session.scalar(select(func.sum(SecondFactorCounter.checks))) == 0


def test_sample_dossiers_show_every_status_with_fictitious_people() -> None:
    samples = sample_dossiers(date(2026, 11, 27))
    assert {s.status for s in samples} == {
        "received",
        "processing",
        "additional_documents",
        "completed",
        "returned",
    }
    assert all(s.applicant_phone.startswith("0900000") for s in samples)
    assert len({s.code for s in samples}) == len(samples)
    assert all(normalize_dossier_code(s.code) == s.code for s in samples)


# ---- the one-stop system's HTTP interface (docs/onestop-adapter.md), served locally ----------------

ONESTOP_TOKEN = "test-token"


class FakeOneStop(BaseHTTPRequestHandler):
    """Speaks the documented one-stop interface: GET /dossiers/{code} with a bearer token."""

    dossiers: ClassVar[dict[str, dict[str, str]]] = {}
    broken: ClassVar[bool] = False

    def do_GET(self) -> None:
        if self.headers.get("Authorization") != f"Bearer {ONESTOP_TOKEN}":
            self._send(401, {"error": "unauthorized"})
        elif self.broken:
            self._send(503, {"error": "maintenance"})
        elif not self.path.startswith("/dossiers/"):
            self._send(404, {"error": "not found"})
        else:
            code = self.path.removeprefix("/dossiers/")
            body = self.dossiers.get(code)
            self._send(200, body) if body else self._send(404, {"error": "no such dossier"})

    def _send(self, status: int, body: object) -> None:
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def onestop() -> Iterator[str]:
    FakeOneStop.broken = False
    FakeOneStop.dossiers = {
        "000.00.20.H19-251105-0007": {
            "code": "000.00.20.H19-251105-0007",
            "procedure_code": "1.001193",
            "procedure_name": "Đăng ký khai sinh",
            "applicant_name": "Đặng Văn Minh Họa (mẫu)",
            "applicant_phone": "0900000107",
            "received_at": "2025-11-05T08:00:00+07:00",
            "due_at": "2025-11-12T16:30:00+07:00",
            "status": "Đang xử lý",
            "current_agency": "UBND xã Mỹ Hiệp",
            "delivery_method": "counter",
        },
        "000.00.20.H19-251105-0008": {"code": "000.00.20.H19-251105-0008", "status": "processing"},
    }
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeOneStop)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_adapter_reads_a_dossier_and_maps_the_systems_labels(onestop: str) -> None:
    record = HttpOneStopClient(onestop, ONESTOP_TOKEN).fetch_dossier("000.00.20.H19-251105-0007")
    assert record is not None
    assert record.status == "processing"
    assert record.received_at == datetime(2025, 11, 5, 1, 0, tzinfo=UTC)
    assert HttpOneStopClient(onestop, ONESTOP_TOKEN).fetch_dossier("000.00.20.H19-251105-0099") is None


@pytest.mark.parametrize(
    ("token", "code"),
    [("wrong", "000.00.20.H19-251105-0007"), (ONESTOP_TOKEN, "000.00.20.H19-251105-0008")],
    ids=["rejected-token", "incomplete-body"],
)
def test_adapter_reports_an_unusable_answer_as_unavailable(onestop: str, token: str, code: str) -> None:
    with pytest.raises(OneStopUnavailable):
        HttpOneStopClient(onestop, token).fetch_dossier(code)


def test_lookup_fetches_from_the_one_stop_system_and_falls_back_to_the_mirror(
    onestop: str, tmp_path: Path, clock: Clock
) -> None:
    sessions = session_factory(f"sqlite:///{tmp_path / 'mirror.sqlite3'}")
    service = DossierService(sessions, HttpOneStopClient(onestop, ONESTOP_TOKEN), now=clock)
    fresh = service.lookup("000.00.20.H19-251105-0007", "0107", "zalo:u7")
    assert fresh.outcome == "found"
    assert "UBND xã Mỹ Hiệp" in fresh.message

    FakeOneStop.broken = True
    clock.now += timedelta(hours=1)  # the mirror is stale, the system is down
    fallback = service.lookup("000.00.20.H19-251105-0007", "0107", "zalo:u7")
    assert fallback.outcome == "found"
    assert "cập nhật lúc" in fallback.message


def test_unreachable_one_stop_system_is_reported_not_raised_to_the_citizen(tmp_path: Path) -> None:
    with pytest.raises(OneStopUnavailable):
        HttpOneStopClient("http://127.0.0.1:9", timeout=0.5).fetch_dossier("000.00.20.H19-251105-0007")
