from __future__ import annotations

from bot.rules.withholding import LABEL, PHRASE, Ground, phrase, withheld_sentence


def test_every_ground_has_public_and_officer_wording() -> None:
    assert set(PHRASE) == set(LABEL) == set(Ground)


def test_sentence() -> None:
    assert withheld_sentence(2, "personal_safety") == (
        "2 entries withheld on grounds of personal safety"
    )
    assert withheld_sentence(1, "commercial") == (
        "1 entry withheld on grounds of commercial confidentiality"
    )


def test_unknown_stored_reason_reads_as_other() -> None:
    assert phrase("retired_ground") == "other grounds"
