"""The roles the org chart can give (the `roles` column of the staff import)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    MONITORING_OFFICER = "monitoring_officer"
    HEAD_OF_OFFICE = "head_of_office"
    VETTING_OFFICER = "vetting_officer"
    ADMIN = "admin"


class ApproverRole(StrEnum):
    """Whose seat a step of an approval chain sits in."""

    LINE_MANAGER = "line_manager"
    MONITORING_OFFICER = "monitoring_officer"
    HEAD_OF_OFFICE = "head_of_office"
    VETTING_OFFICER = "vetting_officer"
