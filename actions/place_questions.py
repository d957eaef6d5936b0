"""Old place names after the 1 July 2025 reorganisation: what a former commune, town, ward or district is now.

Since 1 July 2025 Đồng Tháp (with former Tiền Giang) has 102 communes and wards and no districts
(``vietnam.places``, Resolution 1663/NQ-UBTVQH15); citizens still use the old names.

- ``action_answer_place_change`` (intent ``ask_place_change``: "Sa Rài giờ thuộc xã nào rồi", "thuong thoi
  tien gio la xa gi"): the unit(s) an old name became, with the resolution as source. A former district
  spans several units: they are listed, and the citizen is asked which commune, with them as buttons.
- After a procedure answer (hooks in ``actions/procedures.py``): when the question names a place and the
  procedure is filed at the commune where the citizen lives or builds, one line names that unit's office
  ("UBND xã Tràm Chim (xã Tân Công Sính cũ)"); a place that may be several units is asked back (slot
  ``place_choices``, candidates as buttons) and the typed or pressed answer names the unit, on the same
  procedure. A place named once is remembered (slot ``contact_place``): "nộp ở đâu" later names its office.
- A message that names a place and asks nothing else is about that place: "còn xã Tân Mỹ Chánh thì sao"
  after a place answer is the next place question; "mà xã Song Thuận cũ cũng lên Kim Sơn hả" after a
  procedure answer asks where that place files it. A place question naming none ("xã đó giờ là xã gì") is
  about the place the citizen named in their last messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    TOPIC_MESSAGES,
    OffLoopAction,
    entity_values,
    latest_text,
    previous_action,
    to_merger_answer,
)
from actions.contact_info import PLACE_SLOT
from actions.values import LocationAnswer, read_location
from knowledge import facade as knowledge
from knowledge.aspects import aspect_points
from vietnam.places import (
    District,
    FormerUnit,
    Place,
    PlaceMatch,
    district_units,
    find_places,
    get_district,
    source,
)
from vietnam.text import fold, normalize_text

# The units offered when the bot asks which one a place meant (codes, in the order offered).
CHOICES_SLOT = "place_choices"
MAX_PLACE_BUTTONS = 10
# A reply naming the commune asked for is short; a longer message is a question of its own.
REPLY_WORDS = 14
# Aspects whose answer says where to file: the unit's office is named with them (none: the overview).
PLACE_ASPECTS = ("place", "steps")

NO_PLACE_MESSAGE = (
    'Dạ, anh/chị cho em biết tên xã, phường, thị trấn hoặc huyện cũ (ví dụ: "thị trấn Sa Rài", "xã Long '
    'Khánh A", "huyện Cái Bè") để em tra xã, phường mới tương ứng ạ.'
)
ASK_WHICH = "Anh/chị ở xã, phường nào (tên xã, thị trấn cũ cũng được) để em chỉ đúng đơn vị ạ?"
ASK_WHICH_FOR_PROCEDURE = (
    "Anh/chị ở xã, phường nào (tên xã, thị trấn cũ cũng được) để em chỉ đúng nơi nộp hồ sơ ạ?"
)


def source_line() -> str:
    """Where the mapping comes from, for the citizen."""
    return f"(Theo {source()[0]} của Ủy ban Thường vụ Quốc hội, có hiệu lực từ ngày {effective_date()}.)"


def lower_kind(name: str) -> str:
    """The name with its kind in lower case, inside a sentence: "Thị trấn Sa Rài" -> "thị trấn Sa Rài"."""
    return re.sub(r"^(Xã|Phường|Thị trấn|Thị xã|Thành phố|Huyện)\b", lambda m: m.group(1).lower(), name)


def district_label(district: District, *, province: bool = False) -> str:
    """The former district inside a sentence ("huyện Tân Hồng cũ", "huyện Châu Thành, tỉnh Tiền Giang cũ");
    the province always with ``province`` (two former districts of the same name)."""
    said = f", tỉnh {district.province}" if province or district.province != "Đồng Tháp" else ""
    return f"{lower_kind(district.name)}{said} cũ"


def effective_date() -> str:
    """The day the reorganisation took effect, as citizens write it ("01/7/2025")."""
    year, month, day = (int(part) for part in source()[1].split("-"))
    return f"{day:02d}/{month}/{year}"


def former_label(former: FormerUnit) -> str:
    """The former unit inside a sentence: "thị trấn Sa Rài (huyện Tân Hồng cũ)"; a part says so."""
    district = get_district(former.district)
    where = f" ({district_label(district)})" if district else ""
    part = "một phần " if former.scope in ("part", "remainder") else ""
    return f"{part}{lower_kind(former.name)}{where}"


def composition(place: Place) -> str:
    """What a unit was formed from: "hợp thành từ thị trấn Sa Rài, xã Bình Phú và xã Tân Công Chí"."""
    names = [
        ("một phần " if f.scope in ("part", "remainder") else "") + lower_kind(f.name)
        for f in place.former_units
    ]
    if not names:
        return ""
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " và " + names[-1]
    return f"hợp thành từ {listed}"


def _units_list(units: list[Place]) -> str:
    return ", ".join(lower_kind(u.name) for u in units)


_PREFIX = re.compile(r"^(?:xa|x|phuong|p|f|ph|thi tran|tt|huyen|h|thanh pho|tp|thi xa|tx)\b\s*")


def _bare(matched: str) -> str:
    """The folded name of a mention without its kind prefix ("xã Vĩnh Kim" -> "vinh kim")."""
    words = " ".join(re.findall(r"[a-z0-9]+", fold(matched)))
    return _PREFIX.sub("", words).strip()


def _current_units(match: PlaceMatch) -> list[Place]:
    """The current units the mention names by their own name (not through a former unit or district)."""
    if match.place is not None and match.via in ("name", "alias"):
        return [match.place]
    bare = _bare(match.matched)
    return [c for c in match.candidates if _bare(c.short_name) == bare]


@dataclass
class PlaceReply:
    """What to say about a place mention; ``choices``: the units to ask back among (none: settled)."""

    text: str
    choices: list[Place] = field(default_factory=list)


def describe(match: PlaceMatch) -> PlaceReply:
    """What the unit(s) named by ``match`` are since 1 July 2025, with the source."""
    current = _current_units(match)
    parts = [
        f"{lower_kind(unit.name)} là đơn vị hành chính hiện nay, {composition(unit)}" for unit in current
    ]
    parts = [p.rstrip(", ") for p in parts]
    for former, unit in match.former_units:
        if unit in current:
            continue  # said with the unit's composition
        parts.append(f"{former_label(former)} nay thuộc {lower_kind(unit.name)}")
    choices: list[Place] = list(current) if match.districts else []
    namesakes = len({d.short_name for d in match.districts}) < len(match.districts)
    for district in match.districts:
        units = district_units(district.id)
        parts.append(
            f"{district_label(district, province=namesakes)} không còn là đơn vị hành chính (từ "
            f"{effective_date()} không còn cấp huyện); "
            f"địa bàn nay thuộc {len(units)} xã, phường: {_units_list(units)}"
        )
        choices += [u for u in units if u not in choices]
    if not parts:
        return PlaceReply(NO_PLACE_MESSAGE)
    if len(parts) == 1 and len(match.former_units) == 1 and not current:
        unit = match.former_units[0][1]
        text = f"Dạ, {parts[0]} ({lower_kind(unit.name)} {composition(unit)})."
    elif len(parts) == 1:
        text = f"Dạ, {parts[0]}."
    else:
        text = f'Dạ, "{match.matched}" có thể là:\n' + "\n".join(f"- {p};" for p in parts)
        text = text[:-1] + "."
    unverified = {u.name for u in [*current, *(u for _, u in match.former_units), *choices] if not u.verified}
    if unverified:
        text += " (Thông tin của " + ", ".join(sorted(unverified)) + " đang được rà soát.)"
    text += "\n" + source_line()
    if choices:
        text += "\n" + ASK_WHICH
    return PlaceReply(text, choices[:MAX_PLACE_BUTTONS] if len(choices) > 1 else [])


def place_text(tracker: Tracker) -> str:
    """The text to look places up in: the location a button carries, else the message as written."""
    raw = str(tracker.latest_message.get("text") or "")
    if raw.startswith("/"):
        return ", ".join(entity_values(tracker, "location"))
    return latest_text(tracker)


def _buttons(units: list[Place], intent: str) -> list[dict[str, str]]:
    return [{"title": u.name, "payload": f'/{intent}{{"location": "{u.name}"}}'} for u in units]


# ------------------------------------------------------------------------------------ procedure answers


def _procedure_name(record: Any) -> str:
    name = str(record.name)
    name = name[0].lower() + name[1:] if len(name) > 1 and not name[1].isupper() else name
    if len(name) > 80:
        name = name[:80].rsplit(" ", 1)[0].rstrip(",;:(") + "…"
    return name


def office_line(code: str, place: Place, mention: str = "") -> str | None:
    """Where procedure ``code`` is filed for someone of ``place`` ("UBND xã Tràm Chim (xã Tân Công Sính
    cũ)"), when the catalogue says it is filed at the commune where they live or build; None otherwise.
    ``mention``: the former unit's label, said in brackets."""
    record = knowledge.get_procedure(code)
    if record is None:
        return None
    where = str(record.place or record.executing_agency or record.competent_agency or "")
    folded = fold(where)
    if "xa, phuong" not in folded and "cap xa" not in folded:
        return None
    unit = lower_kind(place.name)
    office = f"Công an {unit}" if "cong an xa" in folded else f"UBND {unit}"
    if "mot cua" in folded and not office.startswith("Công an"):
        office = f"Bộ phận Một cửa của {office}"
    said = f" ({mention})" if mention else ""
    if "bat ky" in folded:
        return f"Anh/chị có thể nộp tại {office}{said} hoặc bất kỳ xã, phường nào khác ạ."
    if "xa, phuong noi" not in folded and "cap xa noi" not in folded:
        return None
    return f"Hồ sơ {_procedure_name(record)} của anh/chị nộp tại {office}{said} ạ."


def office_kind_line(code: str) -> str | None:
    """Where procedure ``code`` is filed, said of any commune ("Hồ sơ đăng ký thường trú nộp tại Trụ sở
    Công an xã, phường nơi có chỗ ở hợp pháp"), when it is filed by commune; None otherwise. Said before
    asking which unit an old name is: the kind of office does not wait for the commune."""
    record = knowledge.get_procedure(code)
    if record is None or not record.place:
        return None
    folded = fold(str(record.place))
    if "xa, phuong" not in folded and "cap xa" not in folded:
        return None
    where = str(record.place).rstrip(". ")
    return f"Dạ, hồ sơ {_procedure_name(record)} nộp tại {where[0].lower()}{where[1:]} ạ."


def _mention_of(answer: LocationAnswer, text: str = "") -> tuple[str, str]:
    """(what the citizen's old name now is, the old name in brackets) for a settled place; the old name is
    looked for in ``text`` (the whole message: "xã Song Thuận cũ cũng lên Kim Sơn hả") beside the mention."""
    place = answer.place
    assert place is not None
    said = [*_former_units_in(answer.mention or ""), *(_former_units_in(text) if text else [])]
    formers = [f for f, unit in said if unit == place and _bare(f.short_name) != _bare(place.short_name)]
    if formers:
        former = formers[0]
        return f"{former_label(former)} nay thuộc {lower_kind(place.name)}. ", f"{lower_kind(former.name)} cũ"
    return "", ""


def _former_units_in(mention: str) -> list[tuple[FormerUnit, Place]]:
    return [pair for m in find_places(mention) for pair in m.former_units]


def settled_place_reply(code: str, answer: LocationAnswer, text: str = "") -> str:
    """The line naming the unit (and its office for ``code``) for a place the citizen named (in ``text``)."""
    place = answer.place
    assert place is not None
    now, bracket = _mention_of(answer, text)
    office = office_line(code, place, bracket)
    if office:
        return f"Dạ, {now}{office}" if now else f"Dạ, {office[0].lower()}{office[1:]}"
    if now:
        return f"Dạ, {now}Thủ tục này không nộp theo xã, phường nơi cư trú; anh/chị nộp ở nơi em nêu trên ạ."
    return ""


def ask_which_unit(dispatcher: CollectingDispatcher, answer: LocationAnswer) -> list[EventType]:
    """Ask which of the units an ambiguous place (a former district, a shared old name) is, as buttons."""
    matches = [m for m in find_places(answer.mention or "") if m.place is None] if answer.mention else []
    if matches:
        reply = describe(matches[0])
        lines = reply.text.split("\n")
        text = "\n".join(line for line in lines if line not in (ASK_WHICH,)) + "\n" + ASK_WHICH_FOR_PROCEDURE
    else:
        text = (
            f"Dạ, {lower_kind(answer.mention or '')} có thể thuộc nhiều xã, phường. {ASK_WHICH_FOR_PROCEDURE}"
        )
    units = list(answer.candidates)[:MAX_PLACE_BUTTONS]
    dispatcher.utter_message(text=text, buttons=_buttons(units, "inform"))
    return [SlotSet(CHOICES_SLOT, [u.code for u in answer.candidates])]


def _answered(events: list[EventType], slot: str) -> Any:
    values = [e.get("value") for e in events if e.get("event") == "slot" and e.get("name") == slot]
    return values[-1] if values else None


def name_the_unit(
    dispatcher: CollectingDispatcher, tracker: Tracker, events: list[EventType]
) -> list[EventType]:
    """After a procedure answer (``events``, its events): when the question named a place, the line naming
    its unit's office, or the question back when the place may be several units; when it asked where to
    file without naming one, the office of the place the citizen named before (slot ``contact_place``). A
    place named with another question is remembered. [] when nothing to add."""
    code = _answered(events, "current_procedure")
    if not code:
        return []
    aspects = _answered(events, "procedure_aspects") or []
    asks_where = not aspects or bool(set(aspects) & set(PLACE_ASPECTS))
    answer = read_location(place_text(tracker))
    if answer is None:
        remembered = _remembered_place(tracker)
        if not aspects or not asks_where or remembered is None:
            return []
        # "nộp ở đâu" after "tui ở xã Xuân Đông Chợ Gạo, làm khai sinh cần mang gì": that place's office
        line = office_line(str(code), remembered)
        if line:
            dispatcher.utter_message(text=f"Dạ, {line[0].lower()}{line[1:]}")
        return []
    if not asks_where:
        # "tui ở xã Xuân Đông, làm khai sinh cần mang gì": the papers now, the place kept for "nộp ở đâu"
        return [SlotSet(PLACE_SLOT, answer.place.name)] if answer.place is not None else []
    return unit_lines(dispatcher, tracker, str(code), answer) or []


def _remembered_place(tracker: Tracker) -> Place | None:
    """The unit the citizen said they are of earlier in the conversation (slot ``contact_place``)."""
    name = tracker.get_slot(PLACE_SLOT)
    if not name:
        return None
    return next((m.place for m in find_places(str(name)) if m.place is not None), None)


def unit_lines(
    dispatcher: CollectingDispatcher, tracker: Tracker, code: str, answer: LocationAnswer
) -> list[EventType] | None:
    """For a place named about procedure ``code``: its unit (and the office filing ``code`` there), or the
    question which unit when it may be several. None when there is nothing to say of it."""
    if answer.place is not None:
        line = settled_place_reply(code, answer, place_text(tracker))
        if line:
            dispatcher.utter_message(text=line)
        return [SlotSet(PLACE_SLOT, answer.place.name), SlotSet(CHOICES_SLOT, None)]
    if len(answer.candidates) > 1 and office_line(code, answer.candidates[0]):
        return ask_which_unit(dispatcher, answer)
    return None


def place_followup(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType] | None:
    """ "mà xã Song Thuận cũ cũng lên Kim Sơn hả" after the marriage's processing time: a short message that
    names an old commune now part of a unit called otherwise, and asks nothing else (no procedure, no aspect
    word), is about that place, for the procedure in the talk: what it is now and its office, not the last
    aspect again. None otherwise: a place said with a reply of another kind ("người Việt thôi, 2 đứa cùng
    ở Lai Vung" under the marriage's cases) is answered with the procedure (``name_the_unit``)."""
    code = tracker.get_slot("current_procedure")
    if not code or entity_values(tracker, "procedure"):
        return None
    text = place_text(tracker)
    if len(text.split()) > REPLY_WORDS or aspect_points(text) or knowledge.merger_papers(text) is not None:
        return None
    answer = read_location(text)
    if answer is None or answer.place is None or not _mention_of(answer, text)[0]:
        return None
    return unit_lines(dispatcher, tracker, str(code), answer)


def to_place_answer(tracker: Tracker) -> list[EventType] | None:
    """ "còn xã Tân Mỹ Chánh thì sao" right after a place answer, whatever the NLU read it as: another place
    question (a place named, no procedure, no aspect asked). None otherwise."""
    if previous_action(tracker) != "action_answer_place_change" or entity_values(tracker, "procedure"):
        return None
    text = place_text(tracker)
    if aspect_points(text) or not find_places(normalize_text(text)):
        return None
    return [FollowupAction("action_answer_place_change")]


def earlier_places(tracker: Tracker, messages: int = TOPIC_MESSAGES) -> list[PlaceMatch]:
    """The places named in the latest of the citizen's ``messages`` messages before this one that names any
    ("xã đó giờ là xã gì" after "sổ đỏ nhà tui ghi xã Bình Phục Nhứt huyện Chợ Gạo"); [] when none does."""
    users = [e for e in tracker.events if e.get("event") == "user"][:-1]
    for event in reversed(users[-messages:]):
        text = str(event.get("text") or "")
        if text.startswith("/"):
            continue
        if matches := find_places(normalize_text(text)):
            return matches
    return []


def place_reply(tracker: Tracker) -> LocationAnswer | None:
    """The place the latest message gives in answer to "which commune?" asked on the procedure in the
    talk; None when nothing was asked, or the message is no such answer (no place, a procedure named or a
    long question of its own)."""
    if not tracker.get_slot(CHOICES_SLOT) or not tracker.get_slot("current_procedure"):
        return None
    if entity_values(tracker, "procedure"):
        return None
    text = place_text(tracker)
    return read_location(text) if len(text.split()) <= REPLY_WORDS else None


def answer_place_reply(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType] | None:
    """The citizen's answer to "which commune?" (typed or a button), on the procedure in the talk; None when
    the message is no such answer (nothing asked, no place, a procedure or a long question of its own)."""
    code = tracker.get_slot("current_procedure")
    answer = place_reply(tracker)
    if answer is None:
        return None
    text = place_text(tracker)
    if answer.place is None:
        # "nộp ở đâu, Cái Bè cũ giờ là xã nào tôi cũng hổng rõ": the kind of office first, then which unit
        asks_more = len(fold(text).split()) > len(fold(answer.mention or "").split()) + 1
        if asks_more and (line := office_kind_line(str(code))):
            dispatcher.utter_message(text=line)
        return ask_which_unit(dispatcher, answer)
    line = (
        settled_place_reply(str(code), answer)
        or f"Dạ, em ghi nhận anh/chị ở {lower_kind(answer.place.name)} ạ."
    )
    dispatcher.utter_message(text=line)
    return [SlotSet(PLACE_SLOT, answer.place.name), SlotSet(CHOICES_SLOT, None)]


class ActionAnswerPlaceChange(OffLoopAction):
    """What an old name became: "X giờ thuộc xã nào / là phường gì / sáp nhập vào đâu"."""

    def name(self) -> str:
        return "action_answer_place_change"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if (rerouted := to_merger_answer(tracker)) is not None:
            return rerouted
        settled = answer_place_reply(dispatcher, tracker)
        if settled is not None:
            return settled
        text = normalize_text(place_text(tracker))
        matches = find_places(text)
        if not matches and not tracker.get_slot(CHOICES_SLOT):
            matches = earlier_places(tracker)  # "xã đó giờ là xã gì": the place named just before
        if not matches:
            dispatcher.utter_message(text=NO_PLACE_MESSAGE)
            return []
        events: list[EventType] = []
        choices: list[Place] = []
        for match in matches:
            reply = describe(match)
            if reply.choices:
                choices = reply.choices
            dispatcher.utter_message(
                text=reply.text, buttons=_buttons(reply.choices, "ask_place_change") if reply.choices else []
            )
        settled_units = [m.place for m in matches if m.place is not None]
        if settled_units:
            events.append(SlotSet(PLACE_SLOT, settled_units[-1].name))
        events.append(SlotSet(CHOICES_SLOT, [u.code for u in choices] or None))
        return events
