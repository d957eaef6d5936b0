"""What citizens read about their tickets, in one place: status wording, kinds, categories, and the
sentences built from them. Used by the bot (``ticketing.citizen_desk``), the answer sent on the citizen's
channel (``ticketing.replies``), the public status page and Open311.

Polite Vietnamese ("Dạ, ...", "anh/chị"), NFC, no personal data.
"""

from __future__ import annotations

from ticketing.models import Category, TicketKind, TicketStatus

# A status in a few words: the status page and Open311's status notes.
STATUS_LABELS: dict[TicketStatus, str] = {
    TicketStatus.NEW: "Đã tiếp nhận",
    TicketStatus.TRIAGED: "Đã phân loại",
    TicketStatus.ASSIGNED: "Đã chuyển đến cơ quan có thẩm quyền",
    TicketStatus.IN_PROGRESS: "Cơ quan đang xử lý",
    TicketStatus.WAITING_CITIZEN: "Đang chờ anh/chị bổ sung thông tin",
    TicketStatus.ANSWERED: "Đã có kết quả trả lời",
    TicketStatus.CLOSED: "Đã hoàn tất",
}

# A status as the end of the bot's sentence "Dạ, yêu cầu mã ... của anh/chị <...>." ({agency} filled in).
STATUS_SENTENCES: dict[TicketStatus, str] = {
    TicketStatus.NEW: "đã được tiếp nhận và đang chờ phân loại",
    TicketStatus.TRIAGED: "đã được phân loại và đang được chuyển đến cơ quan có thẩm quyền",
    TicketStatus.ASSIGNED: "đã được chuyển đến {agency}",
    TicketStatus.IN_PROGRESS: "đang được {agency} xử lý",
    TicketStatus.WAITING_CITIZEN: "đang chờ anh/chị bổ sung thông tin",
    TicketStatus.ANSWERED: "đã có trả lời",
    TicketStatus.CLOSED: "đã kết thúc xử lý",
}

# Statuses in which the bot still tells the expected answer date.
_DUE_DATE_SHOWN = frozenset(
    {TicketStatus.NEW, TicketStatus.TRIAGED, TicketStatus.ASSIGNED, TicketStatus.IN_PROGRESS}
)

# A kind as a title (status page) and as a noun in a sentence (the answer on the citizen's channel).
KIND_LABELS: dict[TicketKind, str] = {
    TicketKind.PETITION: "Phản ánh, kiến nghị",
    TicketKind.QUESTION: "Câu hỏi chuyển tổng đài viên",
    TicketKind.POSTAL: "Yêu cầu thu gom/trả kết quả qua bưu điện",
    TicketKind.APPOINTMENT: "Đặt lịch hẹn tại Trung tâm phục vụ hành chính công",
}
KIND_NOUNS: dict[TicketKind, str] = {
    TicketKind.PETITION: "phản ánh, kiến nghị",
    TicketKind.QUESTION: "câu hỏi",
    TicketKind.POSTAL: "yêu cầu dịch vụ bưu chính",
    TicketKind.APPOINTMENT: "yêu cầu đặt lịch hẹn",
}

ANY_AGENCY = "cơ quan có thẩm quyền"  # when no agency has the ticket yet
HOTLINE = "Tổng đài 1022"

SECOND_FACTOR_NEEDED = (
    "Dạ, để bảo mật thông tin, anh/chị vui lòng cho biết 4 số cuối của số điện thoại đã dùng khi gửi "
    "yêu cầu ạ."
)
SECOND_FACTOR_WRONG = (
    "Dạ, 4 số cuối điện thoại chưa khớp với thông tin của yêu cầu này. Anh/chị vui lòng kiểm tra lại ạ."
)
SECOND_FACTOR_LIMITED = (
    "Dạ, anh/chị đã nhập sai nhiều lần. Anh/chị vui lòng thử lại sau 1 giờ hoặc gọi tổng đài 1022 để được "
    "hỗ trợ ạ."
)


def status_label(status: TicketStatus | str) -> str:
    return STATUS_LABELS[TicketStatus(status)]


def kind_label(kind: TicketKind | str) -> str:
    return KIND_LABELS[TicketKind(kind)]


def kind_noun(kind: TicketKind | str) -> str:
    return KIND_NOUNS.get(TicketKind(kind), "yêu cầu")


def category_label(category: Category | None) -> str | None:
    """A category as citizens read it (its name in the directory); None while the ticket is unclassified."""
    return category.name if category is not None else None


def status_message(
    code: str,
    status: TicketStatus | str,
    agency_name: str | None,
    due_text: str | None,
    merged_into: str | None,
) -> str:
    """The bot's answer to "where is my request?" (``due_text``: the expected answer date, in Vietnamese)."""
    if merged_into:
        return (
            f"Dạ, yêu cầu mã {code} trùng nội dung nên đã được gộp vào hồ sơ mã {merged_into}. "
            f"Anh/chị vui lòng tra cứu theo mã {merged_into} ạ."
        )
    status = TicketStatus(status)
    text = STATUS_SENTENCES[status].format(agency=agency_name or ANY_AGENCY)
    message = f"Dạ, yêu cầu mã {code} của anh/chị {text}."
    if status in _DUE_DATE_SHOWN and due_text:
        message += f" Thời hạn trả lời dự kiến: {due_text}."
    return message


def public_status_note(status: TicketStatus | str, merged_into: str | None) -> str:
    """The status page's sentence under the facts, when staff approved no public outcome to show."""
    if merged_into:
        return (
            f"Dạ, yêu cầu này trùng nội dung với yêu cầu {merged_into} nên đã được gộp để xử lý chung. "
            "Anh/chị vui lòng theo dõi kết quả ở mã đó."
        )
    if TicketStatus(status) == TicketStatus.CLOSED:
        return "Dạ, yêu cầu đã được đóng. Nếu cần hỗ trợ thêm, anh/chị vui lòng gọi Tổng đài 1022."
    if TicketStatus(status) == TicketStatus.ANSWERED:
        return (
            "Dạ, cơ quan đã trả lời. Nội dung trả lời được gửi đến người phản ánh qua kênh đã dùng để gửi "
            "yêu cầu."
        )
    return "Dạ, yêu cầu của anh/chị đang được xử lý. Kết quả sẽ được gửi đến anh/chị khi có trả lời."


def answer_message(
    code: str, kind: TicketKind | str, agency_name: str | None, body: str, reopen_days: int
) -> str:
    """An agency's answer as the citizen reads it on their channel."""
    return (
        f"Dạ, {agency_name or HOTLINE} xin trả lời {kind_noun(kind)} mã {code} của anh/chị như sau:\n\n"
        f"{body}\n\n"
        "Anh/chị vui lòng chấm điểm mức độ hài lòng từ 1 đến 5. Nếu chưa hài lòng với nội dung trả lời, "
        f"anh/chị có thể đề nghị xem xét lại trong vòng {reopen_days} ngày."
    )


def petition_received_notice(agency_name: str | None) -> str:
    """Open311's ``service_notice`` for a new petition: where it went, or that an agent will route it."""
    if agency_name:
        return f"Dạ, phản ánh đã được chuyển đến {agency_name}."
    return "Dạ, phản ánh đã được tiếp nhận và đang chờ tổng đài viên phân loại."
