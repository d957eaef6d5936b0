"""What the hub itself says to citizens (polite Vietnamese, NFC), in one place."""

from __future__ import annotations

import math
from datetime import datetime

from vietnam.workdays import format_datetime_vi

BOT_DOWN_ACK = (
    "Dạ, Tổng đài 1022 đã nhận được tin nhắn của anh/chị. Hệ thống trả lời tự động đang tạm gián đoạn; "
    "tin nhắn đã được lưu lại và em sẽ trả lời anh/chị ngay khi hệ thống hoạt động trở lại ạ."
)
BOT_DOWN_HANDOFF = (
    "Dạ, hệ thống trả lời tự động vẫn đang gián đoạn nên em đã chuyển tin nhắn của anh/chị tới tổng đài viên."
)
HANDED_BACK = "Dạ, tổng đài viên đã chuyển anh/chị về trợ lý ảo. Anh/chị cần hỗ trợ thêm gì cứ nhắn em nhé ạ."
RESOLVED = (
    "Dạ, cuộc trò chuyện với tổng đài viên đã kết thúc. Cảm ơn anh/chị đã liên hệ Tổng đài 1022. "
    "Khi cần hỗ trợ thêm, anh/chị cứ nhắn tin cho em ạ."
)
HANDOFF_BY_CITIZEN = "Dạ, em đã chuyển yêu cầu gặp tổng đài viên của anh/chị."
SUBSCRIBED = 'Dạ, anh/chị đã đăng ký nhận thông báo của {place}. Để hủy, anh/chị nhắn "hủy nhận thông báo" ạ.'
ALREADY_SUBSCRIBED = "Dạ, anh/chị đã đăng ký nhận thông báo của {place} từ trước rồi ạ."
UNSUBSCRIBED = "Dạ, em đã hủy đăng ký nhận thông báo của anh/chị ạ."
NOTHING_TO_UNSUBSCRIBE = "Dạ, anh/chị chưa đăng ký nhận thông báo nào ạ."
UNKNOWN_PLACE = (
    "Dạ, em chưa nhận ra xã/phường anh/chị muốn nhận thông báo. Anh/chị nhắn giúp em theo mẫu: "
    '"đăng ký nhận thông báo phường Mỹ Tho" ạ.'
)
ATTACHMENT_KEPT = (
    "Dạ, em đã nhận được tệp anh/chị gửi và lưu lại cùng cuộc trò chuyện. Anh/chị nhắn thêm giúp em nội dung "
    "cần hỗ trợ ạ."
)
ANNOUNCEMENT = "Dạ, thông báo của {sender}:\n\n{body}"


AGENT_JOINED = "Dạ, tổng đài viên {agent} đang hỗ trợ anh/chị ạ."


def queued(position: int | None, typical_wait_seconds: float | None) -> str:
    """In office hours: the place in the queue and, when known, the expected wait."""
    text = "Dạ, anh/chị đang chờ gặp tổng đài viên"
    if position:
        text += f" (vị trí số {position} trong hàng chờ)"
    if typical_wait_seconds is not None and position:
        minutes = max(1, math.ceil(typical_wait_seconds * position / 60))
        text += f", thời gian chờ dự kiến khoảng {minutes} phút"
    return text + ". Tin nhắn của anh/chị đã được lưu lại, tổng đài viên sẽ trả lời ngay khi có thể ạ."


def out_of_hours(next_opening: datetime) -> str:
    return (
        "Dạ, hiện đã ngoài giờ làm việc của tổng đài viên. Tin nhắn của anh/chị đã được lưu lại và "
        f"tổng đài viên sẽ trả lời anh/chị khi làm việc trở lại, từ {format_datetime_vi(next_opening)} ạ."
    )


TICKET_STATUS = {
    "assigned": "đã được chuyển đến {agency} để xử lý",
    "in_progress": "đang được {agency} xử lý",
    "waiting_citizen": "cần anh/chị bổ sung thông tin; anh/chị vui lòng nhắn lại nội dung bổ sung giúp em",
    "closed": "đã kết thúc xử lý",
}
NOTIFIED_STATUSES = frozenset(TICKET_STATUS)


def ticket_status_changed(code: str, status: str, agency: str | None, question: str | None = None) -> str:
    who = agency or "cơ quan có thẩm quyền"
    if status == "waiting_citizen" and question:
        return (
            f"Dạ, để xử lý yêu cầu mã {code}, {who} cần anh/chị bổ sung: «{question.strip()}». "
            "Anh/chị vui lòng nhắn nội dung bổ sung (có thể gửi kèm hình ảnh) ngay tại đây giúp em ạ."
        )
    what = TICKET_STATUS[status].format(agency=who)
    return f"Dạ, yêu cầu mã {code} của anh/chị {what} ạ."


def supplement_forwarded(code: str) -> str:
    return (
        f"Dạ, em đã chuyển nội dung bổ sung của anh/chị cho cơ quan xử lý yêu cầu mã {code}. "
        "Khi có kết quả, em sẽ báo anh/chị qua kênh này ạ."
    )
