"""The Home as a neutral screen (bot.ui.screens), from its plain data (bot.ui.home_model): the
same sections and buttons for every platform. No queries here.

One function per section; a role's Home is the sections that apply to it: everyone's (what
to declare, where they stand, their own declarations), an approver's (what waits for them,
with the approval card's own decision buttons, and delegation), and the officers' (the
registers' counts, what has waited longest, risk flags and the register tools). Each long
list shows one page with "Previous"/"More", whose payload is the Home's pages once pressed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from bot.ui.approval import decision_buttons
from bot.ui.cards import Button, Confirm, Flag, Style
from bot.ui.forms import Note
from bot.ui.home_model import (
    Action,
    Elsewhere,
    Home,
    Officer,
    OwnItem,
    Page,
    Pages,
    RecordRef,
    Vetting,
)
from bot.ui.home_model import Annual as AnnualData
from bot.ui.screens import Buttons, Entry, Fields, Part, Screen, Section
from bot.ui.text import clip, escape, full_date, short_day
from bot.ui.waiting import waiting_lines, working_days_words

INTRO = "Nolan keeps the staff code of conduct: declare, ask, and see where things are."


def _text(text: str) -> Note:
    return Note(text)


def _note(text: str) -> Note:
    return Note(text, small=True)


def pager(name: str, page: Page[object], pages: Pages) -> list[Part]:
    """ "Showing 11–20 of 150." and the buttons to the pages either side."""
    if page.total <= page.size:
        return []
    last = min(page.first + len(page.items) - 1, page.total)
    buttons = []
    if page.page > 0:
        back = pages.model_copy(update={name: page.page - 1})
        buttons.append(Button(id=Action.PREVIOUS, label="Previous", payload=back))
    if page.has_more:
        more = pages.model_copy(update={name: page.page + 1})
        buttons.append(Button(id=Action.MORE, label="More", payload=more))
    return [
        _note(f"Showing {page.first}–{last} of {page.total}."),
        Buttons(tuple(buttons), id=f"home_pages_{name}"),
    ]


def _view(declaration_id: int) -> Button:
    return Button(
        id=Elsewhere.RECORD, label="View", payload=RecordRef(declaration_id=declaration_id)
    )


# -- everyone ------------------------------------------------------------------------------


DECLARE = Buttons(
    (
        Button(Action.DECLARE_GIFT, "Declare a gift or hospitality", style=Style.PRIMARY),
        Button(Action.DECLARE_INTEREST, "Declare an interest"),
        Button(Action.ASK_OUTSIDE_WORK, "Ask about outside work"),
        Button(Action.NOTIFY, "Notify a change of circumstances"),
    ),
    id="home_declare",
)


def vetting_line(vetting: Vetting) -> str:
    level = f" ({escape(vetting.level)})" if vetting.level else ""
    expires = full_date(vetting.expires)
    if vetting.days_left < 0:
        return f":red_circle: Your vetting clearance{level} lapsed on {expires}."
    if vetting.days_left <= vetting.soon_days:
        return (
            f":large_orange_circle: Your vetting clearance{level} expires on {expires}, in "
            f"{vetting.days_left} day{'' if vetting.days_left == 1 else 's'}: renewal is due."
        )
    return f"Your vetting clearance{level} is valid until {expires}."


def annual_line(annual: AnnualData, today: date) -> str:
    if annual.due and annual.answer_by and annual.answer_by < today:
        return (
            ":red_circle: Your annual declaration is overdue: it was due by "
            f"{full_date(annual.answer_by)}. Check your interests and outside work are current "
            "(the message from Nolan has the buttons)."
        )
    if annual.due and annual.answer_by:
        return (
            ":large_orange_circle: Your annual declaration is due: check your interests and "
            f"outside work are current, by {full_date(annual.answer_by)} (the message from "
            "Nolan has the buttons)."
        )
    done = {"confirmed": "made (nothing had changed)", "updated": "made (you updated it)"}
    # The line sits under the vetting line: name its subject, or it reads as vetting's.
    if annual.answered:
        line = f"This year's annual declaration is {done[annual.answered]}"
        if not annual.next_on:
            return line + "."
        return f"{line}; the next is due on {full_date(annual.next_on)}."
    if annual.next_on:
        return f"Your annual declaration: the next is due on {full_date(annual.next_on)}."
    return ""


def standing(home: Home) -> Note:
    """Where the person stands: vetting, the annual declaration, and the code itself."""
    lines = []
    if home.vetting:
        lines.append(vetting_line(home.vetting))
    if home.annual and (line := annual_line(home.annual, home.today)):
        lines.append(line)
    if home.code_url:
        lines.append(f":scroll: <{home.code_url}|Read {escape(home.code_title)}>")
    else:
        lines.append(":scroll: Ask the monitoring officer for a copy of the code of conduct.")
    return _text("\n".join(lines))


def own_entry(item: OwnItem) -> Entry:
    """One of the person's own declarations, where it stands, and a "View" button."""
    status = item.status
    at = None
    if item.waiting_on:
        status += f" from {' and '.join(item.waiting_on)}"
    elif item.decided_by:
        status += f" by {item.decided_by}"
        at = item.decided_at
    return Entry(
        text=(
            f"*{item.reference}* · {item.kind} · declared {full_date(item.declared_on)}\n"
            f"{escape(clip(item.what, 300))}"
        ),
        status=status,
        at=at,
        button=_view(item.declaration_id),
    )


def mine(home: Home) -> Section:
    title = "Your declarations"
    if not home.mine.items:  # items, not total: the list may have changed between queries
        return Section(
            title, (_text("You have made no declarations yet: the buttons above start one."),)
        )
    return Section(
        title, (*(own_entry(i) for i in home.mine.items), *pager("mine", home.mine, home.pages))
    )


# -- approvers -------------------------------------------------------------------------------


def waiting(home: Home) -> list[Part]:
    page = home.waiting
    if page is None or not page.items:
        return [_text("Nothing is waiting for your decision.")]
    parts: list[Part] = []
    for item in page.items:
        lines = waiting_lines(
            reference=item.reference,
            what=item.what,
            declarant=item.declarant,
            since=item.since,
            working_days=item.working_days,
            deputy_for=item.deputy_for,
        )
        parts.append(_text("\n".join(lines)))
        buttons = decision_buttons(item.step_id, item.purpose, item.reference)
        if buttons:  # a row of buttons may not be empty
            parts.append(Buttons(tuple(buttons), id=f"home_decide_{item.step_id}"))
    return parts + pager("waiting", page, home.pages)


def delegation(home: Home) -> list[Part]:
    d = home.delegation
    if d is None:
        line = "Your approvals come to you. Away? Hand them to a deputy until you are back."
        return [Entry(line, button=Button(Action.SET_DELEGATION, "Delegate…"))]
    starts = f"from {full_date(d.starts_on)} " if d.starts_on > home.today else ""
    end = Button(
        Action.END_DELEGATION,
        "End delegation",
        style=Style.DANGER,
        confirm=Confirm(
            title="End the delegation?",
            text=f"What {escape(d.deputy)} still holds for you comes back to you.",
            confirm="End it",
        ),
    )
    return [
        _text(f"Your approvals go to {escape(d.deputy)} {starts}until {full_date(d.ends_on)}."),
        Buttons((Button(Action.SET_DELEGATION, "Change…"), end), id="home_delegation"),
    ]


def approvals(home: Home) -> Section:
    return Section("Waiting for your decision", (*waiting(home), *delegation(home)))


# -- the monitoring officer and the head of office ---------------------------------------------


def counts(officer: Officer, home: Home) -> list[Part]:
    c = officer.counts
    heading = _text(f"*Declarations made in {c.year}*")
    if not c.by_kind:
        return [heading, _note("None yet this financial year.")]
    fields = tuple(
        clip(
            f"*{escape(kind)}* ({sum(by.values())})\n"
            + "\n".join(f"{escape(s)}: {n}" for s, n in sorted(by.items())),
            2000,
        )
        for kind, by in sorted(c.by_kind.items())
    )
    return [heading, Fields(fields[:10])]


def longest(officer: Officer, home: Home) -> list[Part]:
    page = officer.longest
    heading = _text("*Waiting longest for a decision*")
    if not page.items:
        return [heading, _note("Nothing is waiting for a decision.")]
    lines = [
        f"*{w.reference}* · {w.kind} · {escape(w.declarant)} — with {escape(w.approver)} since "
        f"{short_day(w.since)} ({working_days_words(w.working_days)})"
        for w in page.items
    ]
    return [heading, _text("\n".join(lines)), *pager("longest", page, home.pages)]


def risk_flags(officer: Officer, home: Home) -> list[Part]:
    page = officer.flagged
    months = round(officer.window_days / 30.4)
    heading = _text(f"*:warning: Risk flags* (declarations of the last {months} months)")
    if not page.items:
        return [heading, _note("No declaration in that time carries a risk flag.")]
    parts: list[Part] = [heading]
    for item in page.items:
        parts.append(
            Entry(
                f"*{item.reference}* · {item.kind} · {escape(item.declarant)} · "
                f"declared {short_day(item.declared_on)}",
                flags=tuple(Flag(label, why) for label, why in item.flags[:5]),
                button=_view(item.declaration_id),
                id=f"home_flagged_{item.declaration_id}",
            )
        )
    return [*parts, *pager("flags", page, home.pages)]


def register_tools(officer: Officer, home: Home) -> list[Part]:
    search = Button(Elsewhere.SEARCH, "Search registers")
    return [Buttons((search, Button(Elsewhere.EXPORT, "Export")), id="home_registers")]


# The officers' sections in order; each shows what the loader put in home_model.Officer.
OfficerSection = Callable[[Officer, Home], list[Part]]
OFFICER_SECTIONS: Sequence[OfficerSection] = (counts, longest, risk_flags, register_tools)


def registers(home: Home) -> Section:
    assert home.officer is not None
    parts: list[Part] = []
    for section in OFFICER_SECTIONS:
        parts += section(home.officer, home)
    return Section("The registers", tuple(parts))


# -- the whole Home ---------------------------------------------------------------------------


def home_screen(home: Home) -> Screen:
    """A person's Home: the sections their roles see, drawn at `home.pages`."""
    sections = [Section(parts=(_note(INTRO), DECLARE, standing(home))), mine(home)]
    if home.approver:
        sections.append(approvals(home))
    if home.officer is not None:
        sections.append(registers(home))
    return Screen(f"Hello, {home.name}", tuple(sections), payload=home.pages)


UNKNOWN = (
    "Nolan helps staff follow the office's code of conduct: declaring gifts and "
    "hospitality, interests and outside work, and getting them approved.\n\n"
    "Nolan can't find you in the office's org chart yet, so there is nothing here "
    "for you. If you work for the office, please ask an admin to add you; this "
    "page fills in once they have."
)


def unknown_home_screen() -> Screen:
    """The Home of someone not in the org chart: what Nolan is, and whom to ask."""
    return Screen("Hello from Nolan", (Section(parts=(_text(UNKNOWN),)),))
