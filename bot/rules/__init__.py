"""The rules of the codes: pure functions of plain values, no Slack and no SQL.

Each rule cites the clause of the codes (in ../shared/policies/) that it carries.
"""
