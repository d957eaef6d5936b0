"""Sample dossiers for ``make run`` and demos: realistic procedures, clearly fictitious people.

Dates are relative to the day they are loaded, so the samples always show every status: on time,
overdue, waiting for papers, completed (at the counter, by post, online) and returned. Names say "(mẫu)"
and phone numbers are in the unassigned 0900 000 xxx range.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from knowledge.onestop import DossierRecord
from vietnam.workdays import LOCAL_TZ

__all__ = ["sample_dossiers"]

# (procedure code, procedure name, agency, days ago received, days from receipt to due, status,
#  delivery, note)
_SAMPLES = [
    ("1.001193", "Đăng ký khai sinh", "UBND phường Mỹ Tho", 2, 3, "processing", "counter", None),
    ("1.004222", "Đăng ký thường trú", "Công an xã Mỹ Hiệp", 12, 7, "processing", "counter", None),
    (
        "1.001612",
        "Đăng ký thành lập hộ kinh doanh",
        "UBND phường Sa Đéc",
        3,
        3,
        "additional_documents",
        "counter",
        "Bản sao hợp đồng thuê địa điểm kinh doanh.",
    ),
    (
        "1.013225",
        "Cấp giấy phép xây dựng mới đối với công trình cấp III, cấp IV",
        "UBND phường Cao Lãnh",
        20,
        15,
        "completed",
        "postal",
        None,
    ),
    ("1.001193", "Đăng ký khai sinh", "UBND xã Tân Phước 1", 5, 1, "completed", "online", None),
    ("1.004222", "Đăng ký thường trú", "Công an phường Gò Công", 9, 7, "completed", "counter", None),
    (
        "1.001612",
        "Đăng ký thành lập hộ kinh doanh",
        "UBND phường Cai Lậy",
        6,
        3,
        "returned",
        "counter",
        "Ngành nghề đăng ký thuộc danh mục phải có giấy phép con, chưa kèm giấy phép.",
    ),
    ("1.001193", "Đăng ký khai sinh", "UBND phường Hồng Ngự", 0, 1, "received", "counter", None),
]
_NAMES = [
    "Nguyễn Văn Mẫu",
    "Trần Thị Mẫu",
    "Lê Văn Thử (mẫu)",
    "Phạm Thị Thử (mẫu)",
    "Huỳnh Văn Ví Dụ (mẫu)",
    "Võ Thị Ví Dụ (mẫu)",
    "Đặng Văn Minh Họa (mẫu)",
    "Bùi Thị Minh Họa (mẫu)",
]


def sample_dossiers(today: date) -> list[DossierRecord]:
    records = []
    for number, (code, name, agency, ago, due_in, status, delivery, note) in enumerate(_SAMPLES, start=1):
        received = datetime.combine(today - timedelta(days=ago), time(8, 30), LOCAL_TZ)
        due = datetime.combine(received.date() + timedelta(days=due_in), time(16, 30), LOCAL_TZ)
        completed = due - timedelta(days=1) if status in ("completed", "returned") else None
        records.append(
            DossierRecord(
                code=f"000.00.20.H19-{received:%y%m%d}-{number:04d}",
                procedure_code=code,
                procedure_name=name,
                applicant_name=_NAMES[number - 1],
                applicant_phone=f"0900000{number:03d}",
                received_at=received,
                due_at=due,
                completed_at=completed,
                status=status,
                current_agency=agency,
                delivery_method=delivery,
                note=note,
            )
        )
    return records
