"""A message the NLU misread, taken in the context of the talk: the one place of that rule.

Right after a procedure answer, a question about it may be read as out of scope ("bao nhiêu tiền 1 bản")
or as a dossier lookup ("làm hồ sơ ở đâu ạ"); ``action_out_of_scope`` and the dossier status form's first
message ask :func:`is_contextual_followup` and answer it as a follow-up on the procedure instead.
"""

from __future__ import annotations

import re

from rasa_sdk import Tracker

from actions.common import latest_text, previous_action
from vietnam.codes import find_codes
from vietnam.text import fold

# Words that ask about a dossier already filed, not about a procedure: a message with one is a lookup.
_STATUS_WORDS = re.compile(
    r"\b(?:toi dau|den dau|xong chua|duoc chua|co chua|tinh trang|tra cuu|"
    r"ket qua (?:chua|sao|the nao|ra sao)|"
    r"duyet chua|ma ho so)\b"
)
# A learned aspect at least this sure makes a message misread as something else a question on the procedure.
CONTEXT_ASPECT = 0.8


def is_contextual_followup(tracker: Tracker) -> bool:
    """Whether a message the NLU read as out of scope or as a dossier lookup ("bao nhiêu tiền 1 bản", "làm
    hồ sơ ở đâu ạ") is a question about the procedure just answered: right after its answer, no dossier
    code and no word asking where a filed dossier stands, and an aspect read with confidence. The one place
    of this rule."""
    if not tracker.get_slot("current_procedure") or previous_action(tracker) != "action_answer_procedure":
        return False
    text = latest_text(tracker)
    if find_codes(text) or _STATUS_WORDS.search(fold(text)):
        return False
    return _asks_an_aspect(tracker)


def _asks_an_aspect(tracker: Tracker) -> bool:
    ranking = tracker.latest_message.get("aspects") or []
    return any(float(a.get("confidence") or 0) >= CONTEXT_ASPECT for a in ranking)


def is_dossier_followup(tracker: Tracker) -> bool:
    """Whether a message read as a dossier lookup that gives no code ("vậy hồ sơ cần bổ sung gì", "phải
    nộp thêm giấy gì") is a question about the dossier whose status was just given: right after that
    lookup, no code in it, and an aspect read with confidence (a new lookup, "tra cứu hồ sơ khác", asks
    about nothing of a dossier)."""
    if not tracker.get_slot("last_dossier_code") or previous_action(tracker) != "action_lookup_dossier":
        return False
    return not find_codes(latest_text(tracker)) and _asks_an_aspect(tracker)
