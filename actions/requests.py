"""What a request that creates something (petition, postal request, appointment) is made of, for its
confirmation step (actions/confirmation.py): the fields the citizen may correct, the summary, the filing."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.common import OffLoopAction, channel_identity
from actions.values import read_name
from ticketing import citizen_desk as ticketing
from vietnam.text import fold

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Field:
    """One thing a request records, as the citizen names it when correcting it."""

    slot: str
    label: str  # "Số điện thoại liên hệ"
    words: tuple[str, ...]  # folded words that name the field ("so dien thoai", "sdt")
    # The new value a correction message gives this field, or None. Location fields take a place.
    read: Callable[[str, Tracker], str | None] | None = None
    location: bool = False
    # Free text (what happened, what for) is taken only when the correction names the field: any message
    # would pass for it ("0911 000 222" is no new description).
    free_text: bool = False
    # Never asked for (taken when given, "(không cung cấp)" otherwise): a request can be sent without it.
    optional: bool = False
    # A value its reader finds is plainly this field's, named or not (a day and time, a phone number, a kind
    # of service): a correction at a later step of the form that gives one changes it ("à thôi đổi qua thứ
    # 6 đi" while the phone is asked). A name or free text is recognised only when the field is named.
    by_value: bool = False


@dataclass(frozen=True)
class RequestKind:
    name: str  # "petition", "postal", "appointment"
    form: str
    title: str  # what the citizen is sending: "phản ánh", "yêu cầu bưu chính công ích", "lịch hẹn"
    fields: tuple[Field, ...]
    lines: Callable[[Tracker], list[str]]  # the summary lines
    submit: Callable[[CollectingDispatcher, Tracker], list[EventType]]

    @property
    def slots(self) -> tuple[str, ...]:
        return tuple(f.slot for f in self.fields)

    @property
    def required_slots(self) -> tuple[str, ...]:
        """The slots a request cannot be sent without."""
        return tuple(f.slot for f in self.fields if not f.optional)


# The citizen's name on a request whose form does not ask for it (appointment, postal request).
CONTACT_NAME = Field(
    "contact_name",
    "Họ tên",
    ("ho ten", "ten"),
    lambda text, tracker: read_name(text, answered=True),
    optional=True,
)


# The contact step asks for the name and the phone together, as a contact centre does; a reply with one
# of them takes it and the other is asked for alone (the petition's name may be declined).
ASK_NAME_AND_PHONE = "Dạ, anh/chị cho em xin họ tên và số điện thoại liên hệ để cán bộ liên lạc khi cần ạ."
ASK_PHONE = "Dạ, anh/chị cho em xin số điện thoại liên hệ để cán bộ liên lạc khi cần ạ."
# Said before the first question of a petition whose opening message said what happened, so that the
# citizen knows a petition is being recorded ("hàng xóm lấn ranh đất nhà tui ...").
PETITION_RECORDING = (
    "Dạ, em xin ghi nhận phản ánh, kiến nghị của anh/chị; em cần thêm vài thông tin để chuyển tới "
    "cơ quan có thẩm quyền xử lý."
)


def petition_opened_now(tracker: Tracker) -> bool:
    """Whether the message just answered opened a petition by saying what happened: its description was
    set in this turn and was empty before, and no other acknowledgement was said (a petition about an
    overdue dossier names its topic, actions/petition.py)."""
    if (tracker.active_loop or {}).get("name") != "petition_form":
        return False
    described = False
    for index in range(len(tracker.events) - 1, -1, -1):
        event = tracker.events[index]
        if event.get("event") == "user":
            break
        if event.get("event") != "slot":
            continue
        if event.get("name") == "petition_description" and event.get("value"):
            described = True
        elif event.get("name") == "petition_topic":
            return False  # the topic's own acknowledgement was said
    else:
        return False
    if not described:
        return False
    for event in reversed(tracker.events[:index]):  # before this message
        if event.get("event") == "slot" and event.get("name") == "petition_description":
            return not event.get("value")
    return True


def acknowledge_petition(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """PETITION_RECORDING before the first question of a petition opened by what happened."""
    if petition_opened_now(tracker):
        dispatcher.utter_message(text=PETITION_RECORDING)


class ActionAskContactPhone(OffLoopAction):
    """The phone question of every form (petition, postal request, appointment), with the name's when the
    citizen has not given it yet (nor declined it)."""

    def name(self) -> str:
        return "action_ask_contact_phone"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        name = tracker.get_slot(CONTACT_NAME.slot)
        acknowledge_petition(dispatcher, tracker)
        dispatcher.utter_message(text=ASK_NAME_AND_PHONE if name is None else ASK_PHONE)
        return []


def contact_name_line(tracker: Tracker) -> str:
    """The summary line of the citizen's name, on every request that records it."""
    return f"Họ tên: {tracker.get_slot('contact_name') or '(không cung cấp)'}"


# Words around a correction that are not its value ("sửa ... thành X", "X mới đúng", "không phải Y").
_AFTER_MARKER = re.compile(r"(?i)(?:(?:thành|thanh|là|la|lại là|sang|qua|đúng là|dung la)\s*:?|:)\s+(.+)$")
# The old value runs to the end of its clause, or to "mà": "ấp 8 chứ không phải ấp 7", "ko phải ấp 7, ấp 8
# mới đúng", "không phải ấp 7 mà là ấp 8".
_NOT_PART = re.compile(
    r"(?i)\s*(?:chứ|chu|chớ|cho)?\s*(?:không|ko|k|hông|hong|khong|hổng|hok)\s+(?:phải|phai)\b"
    r".*?(?:\s+(?:mà|ma)(?:\s+(?:là|la))?(?=\s)|(?=[,;])|$)"
)
# "X mới đúng", "X mới phải": the new value comes before these words.
_RIGHT_TAIL = re.compile(r"(?i)\s+(?:mới|moi)\s+(?:đúng|dung|phải|phai)\b.*$")
# Clauses of a correction: "đổi qua chiều thứ 3 giùm tui, sáng thứ 2 bận rồi" gives its value in the first.
_CLAUSE = re.compile(r"[,;]")


# Folded words that name the place of a request when a correction says which field it changes: the field's
# names, the unit kinds and the address details kept with the unit (actions/values.py), the same on every
# form ("số nhà 72 chứ ko phải 27" corrects the address, not the phone).
LOCATION_WORDS = (
    "dia diem",
    "dia chi",
    "cho",
    "noi",
    "xa",
    "phuong",
    "thi tran",
    "ap",
    "khom",
    "to",
    "so nha",
    "khu pho",
    "kp",
    "hem",
    "thon",
    "xom",
)


def lower_first(label: str) -> str:
    return label[0].lower() + label[1:]


def correction_value(text: str) -> str:
    """The part of a correction that carries the new value: after "thành"/"là", before "chứ không phải"."""
    text = _RIGHT_TAIL.sub("", _NOT_PART.sub("", text))
    match = _AFTER_MARKER.search(text)
    return (match.group(1) if match else text).strip(" ,;")


def correction_clauses(text: str) -> list[str]:
    """Where a correction's new value may be: each clause's value (``correction_value``), then the whole
    message's."""
    clauses = [correction_value(c).strip() for c in _CLAUSE.split(_NOT_PART.sub("", text))]
    return list(dict.fromkeys([*(c for c in clauses if c), correction_value(text)]))


# Folded words of a formal message that only point back at a summary or ask to send it on ("Tôi xác nhận
# các thông tin trên là chính xác, kính đề nghị chuyển cơ quan có thẩm quyền xử lý").
FORMAL_WORDS = frozenset(
    re.findall(
        r"\w+",
        "xac nhan chinh xac dung dong y de nghi kinh xin chuyen gui thong tin noi dung tren cac nhung da neu "
        "ke khai la het deu hoan toan va tiep nhan xu ly giai quyet kien nghi co quan chuc nang tham quyen "
        "den toi tui em minh tong dai 1022 cam on tran trong bo phan voi roi r ok vang da phan anh nay a",
    )
)
# A message with fewer words than this outside FORMAL_WORDS says nothing new.
CONTENT_WORDS = 3


def adds_content(text: str) -> bool:
    """Whether ``text`` says something beyond the words that point back at a summary (FORMAL_WORDS)."""
    words = re.findall(r"\w+", fold(text))
    return sum(w not in FORMAL_WORDS for w in words) >= CONTENT_WORDS


# Words that say a message corrects something already given ("sửa", "đổi", "nhầm", "ghi sai", "mới đúng",
# "à lộn", "hổng phải"): folded ("lộn" alone folds as "lớn", big: only as a slip of the tongue).
_CORRECTION_WORDS = re.compile(
    r"\b(?:sua|sua lai|doi|doi lai|nham|sai|moi dung|(?:khong|ko|k|hong|hok) phai"
    r"|(?:a|o|noi|ghi) lon|lon (?:roi|nha|nhe))\b"
)
# The old value a correction says is wrong ("... chứ hổng phải khai sinh", "không phải ấp 7 mà là ấp 8").
_OLD_VALUE = re.compile(
    r"(?i)(?<!\w)(?:không|ko|k|hông|hong|khong|hổng|hok)\s+(?:phải|phai)\s+(?:là\s+|la\s+)?"
    r"(?P<old>[^,;.!?]*?)\s*(?:\s(?:mà|ma)(?!\w)|[,;.!?]|$)"
)


def replaced_fields(kind: RequestKind, text: str, tracker: Tracker | None) -> list[Field]:
    """The fields whose recorded value a correction says is wrong ("à lộn, đăng ký kết hôn chứ hổng phải
    khai sinh" when the appointment is for "Đăng ký khai sinh"): the old value's words are at least half
    of the recorded value's (a few words of a description are no description). Places are left out: their
    corrections keep the unit (``confirmation.ActionCorrectRequest``)."""
    if tracker is None:
        return []
    olds = [fold(m.group("old")).split() for m in _OLD_VALUE.finditer(text)]
    found = []
    for field in kind.fields:
        recorded = tracker.get_slot(field.slot)
        if field.location or not isinstance(recorded, str) or not recorded:
            continue
        words = fold(recorded).split()
        if any(
            old and 2 * len(old) >= len(words) and f" {' '.join(old)} " in f" {' '.join(words)} "
            for old in olds
        ):
            found.append(field)
    return found


def named_fields(kind: RequestKind, text: str, tracker: Tracker | None = None) -> list[Field]:
    """The fields a message names, the most specific first (the longest word that names it: "tên" is a
    field's name, "chỗ" may also be "chớ"), its "chớ hông phải Y" tail left out (the old value, whose "chớ"
    is no "chỗ"); before them, with ``tracker``, the fields whose recorded value it says is wrong
    (``replaced_fields``)."""
    replaced = replaced_fields(kind, text, tracker)
    words = " " + " ".join(re.findall(r"\w+", fold(_NOT_PART.sub("", text)))) + " "
    # the request's own name ("phản ánh") names its free text only in a correction ("sửa phản ánh lại là
    # ...") or beside something new ("phản ánh thêm là cống cũng nghẹt luôn"): "đề nghị chuyển phản ánh"
    # names the petition, not its description
    title = fold(kind.title)
    by_title = bool(_CORRECTION_WORDS.search(words)) or adds_content(text)
    found = []
    for field in kind.fields:
        named = [w for w in field.words if f" {w} " in words and (by_title or w != title)]
        if named:
            found.append((max(len(w.split()) for w in named), field))
    named = [field for _, field in sorted(found, key=lambda item: -item[0])]
    return [*replaced, *(field for field in named if field not in replaced)]


# The old value a correction quotes: "số 21 chứ hông phải 12", "không phải ấp 7 mà là ấp 8". Folded (a
# name of its own: ``_OLD_VALUE`` above reads the text as written, with its group ``old``).
_QUOTED_OLD = re.compile(
    r"\b(?:khong|ko|k|hong|hok|hem)\s+phai\s+(?:la\s+)?(.+?)(?:\s+(?:ma|moi dung)\b|[,;.!?]|$)"
)


def fields_holding_old(kind: RequestKind, text: str, tracker: Tracker) -> list[Field]:
    """The fields whose recorded value holds the old value a correction quotes ("ghi lộn rồi, số 21 chứ hông
    phải 12": the address "số 12, đường Lê Lợi", though "số" also names the phone)."""
    match = _QUOTED_OLD.search(fold(text))
    if match is None:
        return []
    old = re.compile(rf"(?<!\w){re.escape(match.group(1).strip())}(?!\w)")
    return [f for f in kind.fields if old.search(fold(str(tracker.get_slot(f.slot) or "")))]


def named_field(kind: RequestKind, text: str) -> Field | None:
    fields = named_fields(kind, text)
    return fields[0] if fields else None


def read_correction(
    kind: RequestKind, text: str, tracker: Tracker, *, by_value: bool = False
) -> tuple[Field, str] | None:
    """The field a correction in natural words names, with its new value ("sửa số điện thoại thành 0912
    000 222"), at any step of the form: a field named with a value its reader takes, free text only when
    the message says its recorded value is wrong ("đăng ký kết hôn chứ hổng phải khai sinh"; otherwise free
    text and places are corrected at the summary, where they can be asked again). ``by_value``: else a
    field already given whose value is plain without its name (``Field.by_value``: "à thôi đổi qua thứ 6
    đi"), when its reader finds a new one."""
    if not _CORRECTION_WORDS.search(fold(text)):
        return None
    replaced = replaced_fields(kind, text, tracker)
    for field in named_fields(kind, text, tracker):
        if field.read is None or (field.free_text and field not in replaced) or field.location:
            continue
        value = corrected_value(field, text, tracker)
        if value is not None:
            return field, value
    if not by_value:
        return None
    for field in kind.fields:
        recorded = tracker.get_slot(field.slot)
        if not field.by_value or recorded is None:
            continue
        value = corrected_value(field, text, tracker)
        if value is not None and value != recorded:
            return field, value
    return None


def corrected_value(field: Field, text: str, tracker: Tracker) -> str | None:
    """The new value a correction gives ``field``: read from what follows its marker ("thành", "là"), else
    from the first clause that gives one ("sai tên rồi, Đỗ Văn Thắm chớ hông phải Tám"); a value read across
    clauses ("thứ 6 đi, thứ 5 tui bận") is the first clause's."""
    if field.read is None:
        return None
    value = field.read(correction_value(text), tracker)
    if value is None or spans_clauses(value):
        value = clause_value(field, text, tracker) or value
    return value


def clause_value(field: Field, text: str, tracker: Tracker) -> str | None:
    """The value the first clause of a correction that gives one gives ``field`` (``correction_clauses``)."""
    read = field.read
    if read is None:
        return None
    return next((v for clause in correction_clauses(text) if (v := read(clause, tracker)) is not None), None)


def spans_clauses(value: str) -> bool:
    """Whether a value read from a whole correction runs across its clauses ("chiều thứ 3 giùm tui, sáng
    thứ 2 bận rồi"): its first clause that gives one is the new value."""
    return bool(_CLAUSE.search(value))


def file_ticket(
    dispatcher: CollectingDispatcher, tracker: Tracker, failed_message: str, **draft: Any
) -> ticketing.TicketReceipt | None:
    """File ``draft`` (``ticketing.citizen_desk.submit_ticket`` fields but the citizen's identity) for the
    citizen of this conversation; None, with ``failed_message`` said, when it could not be filed."""
    channel, user_id = channel_identity(tracker)
    try:
        return ticketing.submit_ticket(
            **draft, channel=channel, channel_user_id=user_id, conversation_id=tracker.sender_id
        )
    except Exception:
        logger.exception("%s ticket failed for conversation %s", draft.get("kind"), tracker.sender_id)
        dispatcher.utter_message(text=failed_message)
        return None
