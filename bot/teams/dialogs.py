"""Teams dialogs: the one way every Teams form is opened, read, checked and answered (the
Teams counterpart of Slack's `views_open` and view submission listeners).

A feature registers, on the router:
- `dialog(router, BUTTON_ID, build)`: a press of a button opening a dialog (`task/fetch`,
  `_action` = BUTTON_ID: a command's opener card, the Home's declare buttons, "End…") opens
  the form `build(asked)` returns;
- `submit(router, FORM_ID, handle, form=build)`: its `task/submit` (`_form` = FORM_ID) is read
  against the form `build` gives for the person now (`forms.answers`), and `handle(submitted)`
  checks it by the feature's rule and calls its use case (which commits), returning the line
  the dialog closes with (None: it just closes; the receipt comes in the chat), or the next
  screen in the same dialog (an invoke answer: bot.teams.dialog_screens).

`Refused` from a builder or a handler is the answer: with field errors (a rule's
`Refused.on_fields(invalid.errors)`, a use case's `Refused(text, field)`) the dialog comes
back with every answer kept and each message right after its field, nothing recorded; without
a field the dialog closes with the text. A payload that isn't ours (an old card, a stale form)
is told so. A submission is taken once: the same activity delivered again records nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlmodel import Session

from bot.rules.refusal import STALE_BUTTON, STALE_FORM, Refused
from bot.teams import adaptive
from bot.teams.forms import answers as read_answers
from bot.teams.invoke_responses import dialog as dialog_response
from bot.teams.invoke_responses import dialog_message
from bot.teams.router import TASK_FETCH, TASK_SUBMIT, Router, Turn
from bot.ui.forms import Answers, Form, Kind
from bot.ui.payload import BadPayload, Payload, decode
from storage import replays, staff
from storage.models import Staff

P = TypeVar("P", bound=Payload)

ALREADY_SENT = "Nolan already has this form: there is nothing more to do."
NOT_IN_ORG_CHART = "You're not in Nolan's org chart yet, so there is nothing Nolan can do for you."


class Prefill(Payload):
    """The words typed after a command ("gift a hamper from Acme"), carried by the opener
    card's button into the form it opens."""

    text: str


@dataclass(frozen=True)
class Asked:
    """Someone asking for a form: pressing its button, or submitting it (then the form is
    built again for them, to read what they sent)."""

    turn: Turn
    me: Staff
    session: Session  # to read the person's context (whether they must name their manager)
    data: Mapping[str, Any]  # the button's or the submitted form's data

    @property
    def text(self) -> str:
        """What was typed after the command, if the form was opened from one."""
        try:
            return decode(Prefill, adaptive.payload_json(self.data)).text.strip()
        except BadPayload:
            return ""

    def payload(self, model: type[P]) -> P:
        """The button's (or form's) typed payload; BadPayload when it isn't one of ours."""
        return adaptive.read_payload(model, self.data)


@dataclass(frozen=True)
class Submitted:
    """A form sent back, read into the neutral answers."""

    turn: Turn
    me: Staff
    form: Form
    answers: Answers
    data: Mapping[str, Any]
    now: datetime

    @property
    def me_id(self) -> int:
        assert self.me.id is not None
        return self.me.id

    def payload(self, model: type[P]) -> P:
        return adaptive.read_payload(model, self.data)

    def asked(self, field_id: str) -> bool:
        """Whether the form asked `field_id` (the line manager's picker is asked of some)."""
        return any(f.id == field_id for f in self.form.fields)


FormBuilder = Callable[[Asked], Form]
# The line the dialog closes with (None: it just closes), or the invoke's whole answer (a
# dict: the next screen in the same dialog).
SubmitHandler = Callable[[Submitted], str | dict[str, Any] | None]


def dialog(router: Router, button_id: str, build: FormBuilder) -> None:
    """Open the form `build` gives when the button `button_id` is pressed."""

    def fetch(turn: Turn) -> Any:
        return _guarded(turn, STALE_BUTTON, lambda me, data: _open(turn, me, data, build))

    router.invoke(TASK_FETCH, fetch, key=button_id)


def submit(router: Router, form_id: str, handle: SubmitHandler, *, form: FormBuilder) -> None:
    """Take the form `form_id` when it is sent: read against `form`, answered by `handle`."""

    def take(turn: Turn) -> Any:
        return _guarded(turn, STALE_FORM, lambda me, data: _take(turn, me, data, form, handle))

    router.invoke(TASK_SUBMIT, take, key=form_id)


def _guarded(
    turn: Turn, stale: str, act: Callable[[Staff, Mapping[str, Any]], Any]
) -> dict[str, Any] | None:
    me = turn.actor
    if me is None or me.id is None:
        return dialog_message(NOT_IN_ORG_CHART)
    value = turn.value if isinstance(turn.value, Mapping) else {}
    data = value.get("data")
    try:
        return act(me, data if isinstance(data, Mapping) else {})
    except BadPayload:
        return dialog_message(stale)


def _open(turn: Turn, me: Staff, data: Mapping[str, Any], build: FormBuilder) -> Any:
    with turn.db.session() as session:
        try:
            form = build(Asked(turn, me, session, data))
        except Refused as refused:
            return dialog_message(refused.text)
        return dialog_response(form, names=names_in(session, form, None))


def _take(
    turn: Turn,
    me: Staff,
    data: Mapping[str, Any],
    build: FormBuilder,
    handle: SubmitHandler,
) -> Any:
    with turn.db.session() as session:
        try:
            form = build(Asked(turn, me, session, data))
        except Refused as refused:  # nothing the form could change (an interest ended since)
            return dialog_message(refused.text)
    answers = read_answers(form, data)
    claim = _claim(turn, form.id)
    if claim is None:
        return dialog_message(ALREADY_SENT)
    try:
        said = handle(Submitted(turn, me, form, answers, data, turn.clock()))
    except Refused as refused:
        claim()
        if not refused.errors:
            return dialog_message(refused.text)
        with turn.db.session() as session:
            names = names_in(session, form, answers)
        return dialog_response(form, answers=answers, errors=refused.errors, names=names)
    except BaseException:
        claim()
        raise
    if isinstance(said, dict):
        return said
    return dialog_message(said) if said else None


def _claim(turn: Turn, form_id: str) -> Callable[[], None] | None:
    """Take this delivery of the form (by the activity's id); None: it was taken before.
    Returns what gives it back (the form was refused, or failed: it may be sent again)."""
    activity_id = str(turn.raw.get("id") or "")
    if not activity_id:
        return lambda: None
    view_id = f"teams:{activity_id}"[:64]
    if not replays.claim(turn.db, view_id=view_id, view_hash=form_id, now=turn.clock()):
        return None
    return lambda: replays.release(turn.db, view_id=view_id, view_hash=form_id)


def names_in(session: Session, form: Form, answers: Answers | None) -> dict[str, str]:
    """The names of the people already chosen in the form's pickers (Entra object id →
    name), so a dialog shown again shows them by name."""
    names: dict[str, str] = {}
    for field in form.fields:
        if field.kind is not Kind.PERSON:
            continue
        chosen = answers.person(field.id) if answers is not None else field.initial
        if isinstance(chosen, str) and chosen:
            person = staff.by_teams_id(session, teams_id=chosen)
            if person is not None:
                names[chosen] = person.display_name
    return names


@contextmanager
def at_fields(*invalid: type[Exception]) -> Iterator[None]:
    """A rule's validation error (`bot.rules.*.Invalid*`, with `errors` by field id) as the
    refusal that brings the dialog back with each message at its field."""
    try:
        yield
    except invalid as error:
        errors = getattr(error, "errors", None)
        raise (Refused.on_fields(errors) if errors else Refused(str(error))) from None


def picked(session: Session, object_id: str | None, field_id: str, unknown: str) -> Staff | None:
    """The staff member chosen in Teams' people picker (`field_id`), by their Entra object
    id; someone the org chart doesn't know is refused on that field."""
    if not object_id:
        return None
    person = staff.by_teams_id(session, teams_id=object_id)
    if person is None or person.id is None:
        raise Refused(unknown, field_id)
    return person
