"""Why an officer may withhold an item from the published register. The grounds follow the
Freedom of Information Act 2000 exemptions a public body relies on when it publishes less than
the whole register (combined-authority §3.3: requests for items not for publication are dealt
with under that Act; DOMAIN.md "Confidentiality": a published register is a deliberate,
redacted export). One list, so the Slack form and the public page use the same words."""

from __future__ import annotations

from enum import StrEnum


class Ground(StrEnum):
    PERSONAL_SAFETY = "personal_safety"  # FOIA s38, health and safety
    PERSONAL_DATA = "personal_data"  # FOIA s40, personal information
    LAW_ENFORCEMENT = "law_enforcement"  # FOIA s31 (and s24, national security)
    COMMERCIAL = "commercial"  # FOIA s43, commercial interests


# As the public page says it: "2 entries withheld on grounds of personal safety".
PHRASE = {
    Ground.PERSONAL_SAFETY: "personal safety",
    Ground.PERSONAL_DATA: "the protection of personal information",
    Ground.LAW_ENFORCEMENT: "law enforcement or security",
    Ground.COMMERCIAL: "commercial confidentiality",
}

# For the officer choosing, with the statutory reference.
LABEL = {
    Ground.PERSONAL_SAFETY: "Personal safety (FOIA s38)",
    Ground.PERSONAL_DATA: "Personal information (FOIA s40)",
    Ground.LAW_ENFORCEMENT: "Law enforcement or security (FOIA s31/s24)",
    Ground.COMMERCIAL: "Commercial confidentiality (FOIA s43)",
}


def phrase(reason: str) -> str:
    """Public wording for a stored reason; a reason stored before the list changed still reads."""
    try:
        return PHRASE[Ground(reason)]
    except ValueError:
        return "other grounds"


def withheld_sentence(count: int, reason: str) -> str:
    entries = "1 entry" if count == 1 else f"{count} entries"
    return f"{entries} withheld on grounds of {phrase(reason)}"
