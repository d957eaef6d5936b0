"""Dossier status: the code (any case, stray spaces) and the second factor are checked before the lookup."""

from __future__ import annotations

from typing import Any

import pytest

from actions.dossier import ActionLookupDossier, ValidateDossierStatusForm
from knowledge import facade as knowledge
from tests.actions.support import answer_form, make_tracker, run, slot_values, texts

CODE = "000.00.20.H19-250312-0004"


async def test_a_dossier_code_is_normalised(domain: dict[str, Any]) -> None:
    for typed in ["000.00.20.h19-250312-0004", "mã 000.00.20.H19 - 250312 - 0004 ạ", CODE]:
        events, messages = await answer_form(ValidateDossierStatusForm(), domain, typed, "dossier_code")
        assert slot_values(events)["dossier_code"] == CODE, typed
        assert messages == []


async def test_a_wrong_code_is_explained_and_counted(domain: dict[str, Any]) -> None:
    events, messages = await answer_form(ValidateDossierStatusForm(), domain, "HS12345", "dossier_code")
    assert slot_values(events) == {"dossier_code": None, "form_failures": 1}
    assert "000.00.20.H19-250312-0004" in texts(messages)  # shows what a code looks like


async def test_the_last_four_digits_of_the_phone(domain: dict[str, Any]) -> None:
    events, _ = await answer_form(ValidateDossierStatusForm(), domain, "5 6 7 8", "phone_last4")
    assert slot_values(events)["phone_last4"] == "5678"
    events, messages = await answer_form(ValidateDossierStatusForm(), domain, "56", "phone_last4")
    assert slot_values(events)["phone_last4"] is None
    assert "4 chữ số cuối" in texts(messages)


async def test_the_third_wrong_code_ends_the_form_and_offers_a_human(domain: dict[str, Any]) -> None:
    events, _ = await answer_form(
        ValidateDossierStatusForm(), domain, "không nhớ", "dossier_code", slots={"form_failures": 2.0}
    )
    assert slot_values(events)["requested_slot"] is None
    assert slot_values(events)["form_outcome"] == "gave_up"
    events, messages = await run(
        ActionLookupDossier(), make_tracker("x", slots={"form_outcome": "gave_up"}), domain
    )
    assert events[-1] == {"event": "followup", "name": "action_offer_human", "timestamp": None}
    assert messages == []


@pytest.mark.skipif(
    not hasattr(knowledge, "lookup_dossier"), reason="knowledge.facade.lookup_dossier not built yet"
)
async def test_the_lookup_speaks_the_facade_answer_and_forgets_the_code(domain: dict[str, Any]) -> None:
    tracker = make_tracker("5678", slots={"dossier_code": CODE, "phone_last4": "5678"}, sender_id="dossier-1")
    events, messages = await run(ActionLookupDossier(), tracker, domain)
    expected = knowledge.lookup_dossier(CODE, "5678", "dossier-1-check")
    assert texts(messages).split(".")[0] == expected.message.split(".")[0]
    assert slot_values(events)["dossier_code"] is None
    assert slot_values(events)["phone_last4"] is None
