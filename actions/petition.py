"""Petition (phản ánh, kiến nghị) intake and petition status.

petition_form asks what happened, where, a contact phone and an optional name; the citizen confirms a
summary (actions/confirmation.py) and the ticket is created by
``ticketing.citizen_desk.submit_ticket(kind="petition", ...)``.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    OUTCOME_SLOT,
    PROCEDURE_QUESTION,
    REQUESTED_SLOT,
    OffLoopAction,
    channel_identity,
    ended_early,
    intent_is,
    latest_intent,
    reset,
)
from actions.forms import (
    SIDE_INTENTS,
    AnswerValidation,
    AskLocation,
    LocationSlotMixin,
    Reader,
    is_plain_name,
    location_reader,
    pending_candidates,
    volunteered_location,
)
from actions.procedures import is_procedure_reply
from actions.requests import (
    LOCATION_WORDS,
    Field,
    RequestKind,
    acknowledge_petition,
    contact_name_line,
    file_ticket,
    lower_first,
)
from actions.values import (
    find_introduced_name,
    has_diacritics,
    introduced_name_span,
    read_detail,
    read_location,
    read_name,
)
from ticketing import citizen_desk as ticketing
from vietnam.codes import find_codes, find_phone_last4, find_ticket_code, normalize_phone
from vietnam.text import fold, normalize_text
from vietnam.workdays import format_datetime_vi

logger = logging.getLogger(__name__)

PETITION_SLOTS = (
    "petition_description",
    "petition_location",
    "contact_phone",
    "contact_name",
    "petition_topic",
)
STATUS_SLOTS = ("petition_code", "phone_last4")
# `phone_last4` when the citizen asks from the account that filed the ticket.
NOT_NEEDED = ""

# Folded words that say "I want to file a petition" without saying what about.
_GENERIC_WORDS = frozenset(
    re.findall(
        r"\w+",
        "toi em minh anh chi co cho hoi muon can xin duoc dc gui lam nop phan anh kien nghi khieu nai to cao "
        "gop y viec su mot cai van de ve nay a ah nhe voi len tong dai 1022 ban oi ad admin ak giup",
    )
)
# Folded answers by which the citizen declines to give their name.
_SKIP_NAME = {
    "bo qua",
    "khong",
    "ko",
    "k",
    "khong muon",
    "khong can",
    "an danh",
    "giau ten",
    "thoi",
    "skip",
    "khong cung cap",
    "xin phep khong",
    "khong a",
    "khong nhe",
    "de trong",
}

SHORT_DESCRIPTION_MESSAGE = (
    "Dạ, nội dung còn ngắn nên em chưa rõ sự việc. "
    'Ví dụ: "đèn đường ở ấp 3 bị hư cả tháng nay, ban đêm rất tối".'
)
BAD_NAME_MESSAGE = (
    'Dạ, anh/chị cho em xin họ tên (không kèm số), hoặc nhắn "bỏ qua" nếu không muốn cung cấp ạ.'
)
BAD_TICKET_CODE_MESSAGE = (
    "Dạ, mã phản ánh chưa đúng định dạng: mã bắt đầu bằng PA-, tiếp theo là 6 chữ số ngày gửi và số thứ tự ạ."
)
SUBMIT_FAILED_MESSAGE = (
    "Dạ, em xin lỗi, hệ thống tạm thời chưa ghi nhận được phản ánh. Anh/chị vui lòng thử lại sau ít phút "
    'hoặc nhắn "gặp tổng đài viên" để được hỗ trợ trực tiếp ạ.'
)


def is_informative(text: str) -> bool:
    """Whether a description says what happened (not just "tôi muốn phản ánh")."""
    text = normalize_text(text)
    if not text or text.startswith("/"):
        return False
    words = re.findall(r"\w+", fold(text))
    meaningful = [w for w in words if w not in _GENERIC_WORDS]
    return len(meaningful) >= 3 and len(text) >= 12


# Folded words that ask how, where or whether to do something ("xin giấy phép xây dựng ở đâu", "thì làm
# sao", "cần gì", "được không", "đề nghị cho biết"): a question about a procedure, unless the message also
# reports a problem.
_ASKS_HOW = re.compile(
    # "ở đầu khóm 4", "o dau hem" (at the head of): a place, not "ở đâu" (where)
    r"\b(?:o dau(?!\s+(?:khom|ap|hem|duong|ngo|xom|cau|cho|kenh|rach|lo|day|to|cong|ngach|kp|khu))|"
    r"cho nao|noi nao|nop dau|lam sao|lam the nao|nhu the nao|the nao|ra sao|can gi|"
    r"can nhung gi|can giay to gi|ho so gi|giay to gi|thu tuc gi|thu tuc nao|lam gi|bao nhieu|bao lau|"
    r"(?:duoc|dc|co duoc) (?:khong|ko|k|hong|hok|kg)|phai lam gi|phai lam sao|"
    # the written register's asks ("Đề nghị cho biết thành phần hồ sơ ...", "xin hướng dẫn thủ tục ...")
    r"(?:de nghi|xin|vui long|kinh mong|mong) (?:duoc )?(?:cho (?:toi |chung toi |em )?biet|huong dan))\b"
)
# Folded words that report something wrong or ask an agency to act: a petition, however it is asked.
_REPORTS_PROBLEM = re.compile(
    r"\b(?:phan anh|kien nghi|khieu nai|to cao|to giac|trai phep|khong phep|lan chiem|lan|lan dat|o nhiem|"
    r"hu|hu hong|bi hong|be nat|bi be|nghet|ngap|sat lo|on ao|tieng on|xa rac|rac|boc mui|hoi thoi|"
    r"tre hen|tre han|qua han|chua giai quyet|chua duoc giai quyet|nhung nhieu|gay kho|hach sach|"
    r"tham nhung|dut tien|tranh chap|bao(?! nhieu| lau| gio)|don thu|gui don|xu ly|xu phat|vi pham|"
    # a wrong done by an employer or a debtor ("nợ lương 2 tháng hổng trả", "quỵt tiền công")
    r"no luong|no tien|quyt|tru luong|duoi viec|(?:khong|ko|hong|hok|chua) tra(?! loi))\b"
)


def asks_how_to(text: str) -> bool:
    """Whether a message asks how, where or whether to do something and reports no problem to act on
    ("nhà tui ở phường Sa Đéc muốn xây lại, xin giấy phép xây dựng ở đâu"): a procedure question (or one
    outside the catalogue), not a petition, even when the NLU read it as one."""
    folded = fold(normalize_text(text))
    return bool(_ASKS_HOW.search(folded)) and not _REPORTS_PROBLEM.search(folded)


def is_skip_name(text: str, intent: str | None) -> bool:
    folded = fold(normalize_text(text)).strip(" .!?")
    return intent == "deny" or folded in _SKIP_NAME or folded.startswith(("bo qua", "khong muon"))


# A petition topic offered by the bot (an overdue dossier) counts for this many of the citizen's messages.
TOPIC_TURNS = 2


def recent_topic(tracker: Tracker) -> str | None:
    """The petition topic the bot offered (actions/dossier.py), if offered within TOPIC_TURNS messages."""
    topic = tracker.get_slot("petition_topic")
    if not topic:
        return None
    messages = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            messages += 1
        elif event.get("event") == "action" and event.get("name") == "action_lookup_dossier":
            return str(topic) if messages <= TOPIC_TURNS else None
    return None


def read_phone(text: str, tracker: Tracker | None = None) -> str | None:
    """A phone number in ``text`` ("0912 345 678", "số tui 0939111222 nha"), stored as ``0xxxxxxxxx``."""
    return normalize_phone(text) or next(
        (c.value for c in find_codes(text) if c.entity == "phone_number"), None
    )


def read_description(text: str, tracker: Tracker) -> str | None:
    """What happened: an informative message that is not a question about something else."""
    if latest_intent(tracker) in SIDE_INTENTS or not is_informative(text):
        return None
    if find_introduced_name(text) and read_name(without_phone(text)):
        return None  # "e ten Huynh Ngoc Anh": who is writing, not what happened
    return text


def read_contact_name(text: str, tracker: Tracker) -> str | None:
    """A name ("Nguyễn Văn Tư", "tui tên Tư"), or "" when the citizen prefers not to give one."""
    intent = latest_intent(tracker)
    if is_skip_name(text, intent):
        return ""
    return read_name(text, answered=intent == "inform")


# "sđt", "số điện thoại", "gọi số", "liên hệ" and separators left around a name once the phone number is
# taken out of an answer
_PHONE_WORDS = re.compile(
    r"(?i)\b(?:sđt|sdt|số\s+điện\s+thoại|so\s+dien\s+thoai|số|so|đt|dt|gọi|goi|liên\s+hệ|lien\s+he"
    r"|liên\s+lạc|lien\s+lac)\b|[,;:.\-]"
)


def without_phone(text: str) -> str:
    """``text`` without its phone numbers and codes, and the "sđt" words around them ("Nguyễn Văn Tư, sđt
    0913 456 789" -> "Nguyễn Văn Tư")."""
    rest = text
    for code in reversed(find_codes(text)):
        rest = rest[: code.start] + " " + rest[code.end :]
    if rest != text:
        rest = " ".join(_PHONE_WORDS.sub(" ", rest).split())
    return rest


# The words that announce a phone number just before it ("điện thoại", "sđt là", "số liên hệ:").
_PHONE_LEAD = re.compile(
    r"(?i)[,;.]?\s*(?:và\s+|va\s+)?(?:(?:số\s+|so\s+)?(?:điện\s+thoại|dien\s+thoai)|sđt|sdt|đt|dt|số|so)?"
    r"(?:\s+(?:liên\s+hệ|lien\s+he))?\s*(?:là|la)?\s*:?\s*$"
)


def without_contact(text: str) -> str:
    """``text`` without the contact details it gives, which have their own fields: the introduced name
    and the phone numbers with the words that announce them ("..., cả xóm hông ngủ được. Tên Võ Thị Thu,
    điện thoại 0912000111" -> "..., cả xóm hông ngủ được")."""
    text = normalize_text(text)
    spans = [
        (start - len(_PHONE_LEAD.search(text[:start]).group(0)), end)  # type: ignore[union-attr]
        for start, end in ((c.start, c.end) for c in find_codes(text) if c.entity == "phone_number")
    ]
    if (name := introduced_name_span(text)) is not None:
        spans.append(name)
    elif (beside := name_beside_phone_span(text)) is not None:
        spans.append(beside[1])
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):  # a name's span may reach the words that announce the phone
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    for start, end in reversed(merged):
        text = text[:start] + " " + text[end:]
    text = re.sub(r"\s+([,;.!?])", r"\1", " ".join(text.split()))
    return re.sub(r"([,;.])(?:\s*[,;.])+", r"\1", text).lstrip(" ,;:.-").rstrip(" ,;:-")


# The clauses of a message that lists what is asked for ("Hồ Thị Lan, 0961 222 333, ấp Phú Hòa xã Cái Bè"),
# or ends with it after a sentence ("..., hư tủ lạnh hết. Võ Minh Trí 0915333444"): a full stop, "!" or "?"
# ends a clause only before a space ("0915.333.444" is one number).
_LIST_CLAUSE = re.compile(r"[,;:]|[.!?](?=\s)")


def _clauses(text: str) -> list[tuple[int, int]]:
    """The spans of the clauses of ``text``, without the spaces around them."""
    spans, start = [], 0
    for match in [*_LIST_CLAUSE.finditer(text), None]:
        end = match.start() if match else len(text)
        piece = text[start:end]
        lead = len(piece) - len(piece.lstrip())
        spans.append((start + lead, start + lead + len(piece.strip())))
        start = match.end() if match else end
    return spans


def name_beside_phone_span(text: str) -> tuple[str, tuple[int, int]] | None:
    """A full name given next to the phone number, as one item of a list ("Võ Thị Hạnh, 0901234567, số 15
    đường Lý Thường Kiệt, phường Cao Lãnh") or just before it in its clause ("..., hư tủ lạnh hết. Võ
    Minh Trí 0915333444", "..., Trần Văn Út 0909888777"): a name and nothing else (``is_plain_name``), not
    a place; with its span in ``normalize_text(text)``."""
    text = normalize_text(text)
    clauses = _clauses(text)
    for i, (start, end) in enumerate(clauses):
        clause = text[start:end]
        if not read_phone(clause):
            continue
        phones = [c.start for c in find_codes(clause) if c.entity == "phone_number"]
        before = clause[: phones[0]] if phones else ""
        rest = without_phone(clause).strip(" .,")
        if rest and before.strip() and is_plain_name(rest) and not read_location(rest):
            # the name, then the phone, in one clause ("Võ Minh Trí 0915333444", "Trần Văn Út sđt 0909...")
            name = read_name(rest)
            if name is not None and clause.startswith(rest.split()[0]):
                words_end = clause.find(rest.split()[-1]) + len(rest.split()[-1])
                return name, (start, start + words_end)
        if rest:
            continue  # not the phone's clause alone
        before_words = i - 1  # "Lê Văn Tám, sđt: 0909 888 777": past the clause that only announces it
        if before_words >= 0 and not _PHONE_WORDS.sub(" ", text[slice(*clauses[before_words])]).strip():
            before_words -= 1
        for near in (before_words, i + 1):
            if not 0 <= near < len(clauses):
                continue
            item = text[clauses[near][0] : clauses[near][1]]
            if is_plain_name(item) and not read_location(item) and (name := read_name(item)) is not None:
                return name, clauses[near]
    return None


def name_beside_phone(text: str) -> str | None:
    """The name of ``name_beside_phone_span``, or None."""
    found = name_beside_phone_span(text)
    return found[0] if found else None


def name_at_unit_menu(text: str, tracker: Tracker | None) -> str | None:
    """At the question which unit a place is (its buttons pending), a message that is no place and reads as
    a name ("Trần Thị Mỹ Linh", "Út Em", "Út Em 0377 889 124"): the citizen's name, typed before the
    choice; the question is asked again with its buttons."""
    if tracker is None or not pending_candidates(tracker) or read_location(text) or read_detail(text):
        return None
    rest = without_phone(text)
    return None if read_phone(rest) else read_name(rest)


def volunteered_name(text: str, tracker: Tracker) -> str | None:
    """A name given unasked: introduced ("Tôi là Trần Văn Bé, ...", "tui tên Võ Văn Hai"), or at the phone
    step, the question next to the name's, an answer that is a name and nothing else or a name and a phone
    number ("Nguyễn Văn Tư", "tran thi be nam", "Nguyễn Văn Tư 0913 456 789"), and at the question which
    unit a place is, a name typed instead of the choice (``name_at_unit_menu``). Elsewhere a bare "ông hàng
    xóm xả rác" or "Hồ Sen" is no name."""
    if tracker.get_slot(REQUESTED_SLOT) != "contact_phone":
        return find_introduced_name(text) or name_beside_phone(text) or name_at_unit_menu(text, tracker)
    # Without diacritics "Duong Van Lam" is as much "Dương Văn Lâm" as "đường Văn Lâm": next to the name's
    # question the name wins; written with them, a street or hamlet is no name.
    if introduced := find_introduced_name(text) or name_beside_phone(text):
        # "Tui ten Vo Thi Kim Loan sdt 09..., nha o ap 2 xa Thap Muoi", "Mai Van Chin 0355667788, nop o
        # phuong My Tho": the name is read as at any other step, the place aside
        return introduced
    if read_location(text) or (read_detail(text) and has_diacritics(text)):
        return None
    rest = without_phone(text)
    if read_phone(rest):
        return None
    return read_name(rest)


def contact_name_given(text: str, tracker: Tracker) -> str | None:
    """The citizen's name a message gives unasked on a form that does not ask for it (appointment, postal
    request): introduced ("Em tên Lâm Quốc Huy, số ...", "Tôi là Trương Văn Phát"), or a name next to
    a phone number and nothing else ("Tô Văn Đức 0976543210"), a full name alone ("Lê Văn Tèo", is_plain_name)
    or as an item of a list beside the phone (name_beside_phone); at the phone step, as on the petition, a
    bare name too ("Võ Văn Tâm")."""
    if tracker is not None and tracker.get_slot(REQUESTED_SLOT) == "contact_phone":
        return volunteered_name(text, tracker)
    if name := find_introduced_name(text) or name_beside_phone(text) or name_at_unit_menu(text, tracker):
        return name
    if is_plain_name(text):  # "Lê Văn Tèo" alone, at any step: who to call, never another answer
        return read_name(text)
    rest = without_phone(text)
    if rest == normalize_text(text) or read_location(rest) or read_phone(rest):
        return None
    return read_name(rest)


class ValidatePetitionForm(AnswerValidation, LocationSlotMixin):
    def name(self) -> str:
        return "validate_petition_form"

    def readers(self) -> dict[str, Reader]:
        return {
            "petition_description": read_description,
            "petition_location": location_reader,
            "contact_phone": read_phone,
            "contact_name": read_contact_name,
        }

    def request_kind(self) -> RequestKind:
        return PETITION

    def volunteers(self) -> dict[str, Reader]:
        return {
            "petition_location": volunteered_location,
            "contact_phone": read_phone,
            "contact_name": volunteered_name,
        }

    def validate_petition_description(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if cancel := self.cancel_if_asked(tracker, "petition_description"):
            return cancel
        text = normalize_text(str(value or ""))
        if self.is_prefill(tracker, "petition_description") and (
            is_procedure_reply(tracker) or (latest_intent(tracker) == "submit_petition" and asks_how_to(text))
        ):
            # "xây mới nhà ở riêng lẻ" right after the building permit, or "xin giấy phép xây dựng ở đâu"
            # with no problem reported: no petition, the question is answered
            return {
                "petition_description": None,
                OUTCOME_SLOT: PROCEDURE_QUESTION,
                REQUESTED_SLOT: None,
            }
        text = without_contact(text)  # the name and phone have their own fields
        topic = recent_topic(tracker)
        if (
            self.is_prefill(tracker, "petition_description")
            and topic
            and not read_location(text)
            and not read_detail(text)
        ):
            # "có, ghi nhận phản ánh giùm", "trễ vậy giờ tui phản ánh được hông" right after an overdue
            # dossier, naming no other place: the petition is about it
            dispatcher.utter_message(
                text=f"Dạ, em ghi nhận phản ánh về việc {lower_first(topic).rstrip('.')} ạ."
            )
            # where is still asked: the citizen knows where the dossier was filed ("nộp ở phường Mỹ Tho")
            return {**self.accept("petition_description", topic), "petition_topic": None}
        if is_informative(text) and not (
            not self.is_prefill(tracker, "petition_description") and intent_is(tracker, "request_human", 0.6)
        ):
            return self.accept("petition_description", text)
        return self.reject(dispatcher, tracker, "petition_description", SHORT_DESCRIPTION_MESSAGE)

    def validate_petition_location(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        return self.check_location("petition_location", value, dispatcher, tracker)

    def validate_contact_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        return self.check_phone("contact_phone", value, dispatcher, tracker)

    def validate_contact_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        text = normalize_text(str(value or ""))
        if value == "" and self.is_prefill(tracker, "contact_name"):
            return self.accept("contact_name", "")  # declined before; the form runs again after a correction
        name = read_contact_name(text, tracker)
        if name is not None:
            return self.accept("contact_name", name)
        if cancel := self.cancel_if_asked(tracker, "contact_name"):
            return cancel
        return self.reject(dispatcher, tracker, "contact_name", BAD_NAME_MESSAGE)


class ActionAskPetitionLocation(AskLocation):
    slot = "petition_location"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        acknowledge_petition(dispatcher, tracker)
        return super().act(dispatcher, tracker, domain)


def _petition_lines(tracker: Tracker) -> list[str]:
    return [
        f"Nội dung: {tracker.get_slot('petition_description')}",
        f"Địa điểm: {tracker.get_slot('petition_location')}",
        f"Số điện thoại liên hệ: {tracker.get_slot('contact_phone')}",
        contact_name_line(tracker),
    ]


def _submit_petition(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    description = tracker.get_slot("petition_description")
    receipt = file_ticket(
        dispatcher,
        tracker,
        SUBMIT_FAILED_MESSAGE,
        kind="petition",
        description=description,
        location_text=tracker.get_slot("petition_location"),
        phone=tracker.get_slot("contact_phone"),
        name=tracker.get_slot("contact_name") or None,
    )
    if receipt is None:
        return []
    due = format_datetime_vi(receipt.due_at)
    if receipt.agency_name:
        text = (
            f"Dạ, em đã ghi nhận phản ánh của anh/chị với mã {receipt.code} "
            f"và chuyển tới {receipt.agency_name} xử lý."
        )
    else:
        # not routed yet: the place recorded says which commune's agency the desk will pick
        place = tracker.get_slot("petition_location")
        at = f" (địa điểm: {place})" if place else ""
        text = (
            f"Dạ, em đã ghi nhận phản ánh của anh/chị{at} với mã {receipt.code}; "
            "cán bộ Tổng đài 1022 sẽ chuyển tới cơ quan có thẩm quyền xử lý."
        )
    if due:
        text += f" Thời hạn trả lời dự kiến: trước {due}."
    text += " Anh/chị lưu lại mã này để tra cứu kết quả xử lý ạ."
    dispatcher.utter_message(text=text)
    return [*reset(*PETITION_SLOTS), SlotSet("last_ticket_code", receipt.code)]


def _read_location_value(text: str, tracker: Tracker) -> str | None:
    answer = read_location(text)
    return answer.text() if answer and answer.resolved else None


PETITION = RequestKind(
    name="petition",
    form="petition_form",
    title="phản ánh",
    fields=(
        Field(
            "petition_description",
            "Nội dung phản ánh",
            ("noi dung", "mo ta", "su viec", "phan anh"),
            lambda text, tracker: text if is_informative(text) else None,
            free_text=True,
        ),
        Field(
            "petition_location",
            "Địa điểm",
            LOCATION_WORDS,
            location=True,
        ),
        Field("contact_phone", "Số điện thoại", ("so dien thoai", "dien thoai", "so dt", "so"), read_phone),
        Field(
            "contact_name",
            "Họ tên",
            ("ho ten", "ten"),
            lambda text, tracker: read_name(text, answered=True),
        ),
    ),
    lines=_petition_lines,
    submit=_submit_petition,
)


def _filed_here(tracker: Tracker, code: str) -> bool:
    """Whether the citizen filed ticket ``code`` from this channel account (no second factor needed)."""
    channel, user_id = channel_identity(tracker)
    try:
        view = ticketing.ticket_status(code, channel, user_id, None)
    except Exception:
        logger.exception("ticket status failed for conversation %s", tracker.sender_id)
        return False
    return view is not None and view.outcome == "found"


class ValidatePetitionStatusForm(AnswerValidation):
    def name(self) -> str:
        return "validate_petition_status_form"

    def readers(self) -> dict[str, Reader]:
        return {
            "petition_code": lambda text, tracker: find_ticket_code(text),
            "phone_last4": lambda text, tracker: find_phone_last4(text),
        }

    def extract_petition_code(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        """The code given, else, in the message that starts the lookup ("phản ánh hồi nãy sao rồi"), the
        ticket filed earlier in this conversation (``last_ticket_code``)."""
        found = self.extract_answer("petition_code", tracker)
        if found or not self.is_prefill(tracker, "petition_code") or tracker.get_slot("petition_code"):
            return found
        last = tracker.get_slot("last_ticket_code")
        return {"petition_code": last} if last else {}

    def validate_petition_code(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if cancel := self.cancel_if_asked(tracker, "petition_code"):
            return cancel
        code = find_ticket_code(str(value or ""))
        if not code:
            return self.reject(dispatcher, tracker, "petition_code", BAD_TICKET_CODE_MESSAGE)
        if _filed_here(tracker, code):
            return {**self.accept("petition_code", code), "phone_last4": NOT_NEEDED}
        return self.accept("petition_code", code)

    def validate_phone_last4(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        return self.check_last4("phone_last4", value, dispatcher, tracker)


class ActionPetitionStatus(OffLoopAction):
    def name(self) -> str:
        return "action_petition_status"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        early = ended_early(dispatcher, tracker, *STATUS_SLOTS)
        if early is not None:
            return early
        code = tracker.get_slot("petition_code")
        channel, user_id = channel_identity(tracker)
        try:
            view = ticketing.ticket_status(code, channel, user_id, tracker.get_slot("phone_last4") or None)
        except Exception:
            logger.exception("ticket status failed for conversation %s", tracker.sender_id)
            dispatcher.utter_message(text=SUBMIT_FAILED_MESSAGE)
            return reset(*STATUS_SLOTS)
        if view is None or view.outcome != "found":  # unknown code and wrong digits read the same
            dispatcher.utter_message(
                text=(
                    f"Dạ, em chưa tìm thấy phản ánh mã {code} khớp với số điện thoại anh/chị cung cấp. "
                    'Anh/chị kiểm tra lại mã và số điện thoại giúp em, hoặc nhắn "gặp tổng đài viên" ạ.'
                )
            )
        else:
            dispatcher.utter_message(text=describe_status(view))
        return reset(*STATUS_SLOTS)


def describe_status(view: ticketing.TicketStatusView) -> str:
    """The citizen-facing text of a ticket's status, with the agency's answer when there is one."""
    if view.outcome == "found" and view.answer:
        return f"{view.message}\nNội dung trả lời: {view.answer}"
    return view.message
