"""What Slack sends, as typed models: the parts of each payload that Nolan (and Bolt, routing
it) reads. A request is checked against these at the edge, before any listener runs, so that
a missing key or a wrong type is a 400 with one log line rather than a traceback in a listener.

Unknown keys are allowed (Slack adds fields); only what is read is checked.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

# Slack's own limits are far below these; they only stop a hostile payload from making a
# listener chew on megabytes.
Id = Annotated[str, Field(min_length=1, max_length=255)]
Text = Annotated[str, Field(max_length=40_000)]
# Where an answer is posted (a refusal included): anything but a web address would fail there.
Url = Annotated[str, Field(max_length=2_000, pattern=r"^https?://[^\s]+$")]


class Loose(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)


class User(Loose):
    id: Id


class Option(Loose):
    value: Text | None = None


class Element(Loose):
    """One input's state (view.state.values[block][action]) or one pressed action."""

    type: str | None = None
    value: Text | None = None
    selected_option: Option | None = None
    selected_options: list[Option] | None = None
    selected_date: str | None = None
    selected_user: str | None = None
    selected_users: list[str] | None = None
    selected_conversation: str | None = None
    selected_channel: str | None = None


class Action(Element):
    action_id: Id
    block_id: str | None = None


class State(Loose):
    values: dict[str, dict[str, Element]]


class View(Loose):
    id: Id
    hash: str | None = None
    callback_id: str = ""
    private_metadata: Text = ""
    type: str  # Bolt reads it to tell a workflow step's form from a modal
    state: State | None = None
    blocks: list[dict[str, Any]] = []


class SubmittedView(View):
    """A submitted form always reports its inputs' state (listeners read it)."""

    state: State


class Container(Loose):
    type: str | None = None
    channel_id: str | None = None
    message_ts: str | None = None
    view_id: str | None = None


class Channel(Loose):
    id: str | None = None


class Message(Loose):
    ts: str | None = None


class ShortcutMessage(Loose):
    """The message a message shortcut was chosen on: its text becomes a form's answer."""

    ts: Id
    text: Text = ""
    thread_ts: str | None = None


class Team(Loose):
    id: str | None = None
    domain: str | None = None


class Interaction(Loose):
    user: User
    team: Team | None = None
    enterprise: Team | str | None = None
    channel: Channel | None = None
    trigger_id: Id  # Slack sends one with every interaction; forms open from it
    response_url: Url | None = None


class BlockActions(Interaction):
    type: Literal["block_actions"]
    actions: Annotated[list[Action], Field(min_length=1)]
    container: Container | None = None
    message: Message | None = None
    view: View | None = None

    @model_validator(mode="after")
    def answerable(self) -> BlockActions:
        """A press on a message always comes with the response_url its answer goes to."""
        if self.message is not None and not self.response_url:
            raise ValueError("a press on a message without a response_url")
        return self


class ViewSubmission(Interaction):
    type: Literal["view_submission", "view_closed"]
    view: SubmittedView


class Shortcut(Interaction):
    """A global shortcut (the manifest declares none today)."""

    type: Literal["shortcut"]
    callback_id: Id


class MessageShortcut(Interaction):
    """A message shortcut ("Declare this offer"): always on a message in a channel, with the
    response_url its refusals go to."""

    type: Literal["message_action"]
    callback_id: Id
    channel: Channel
    message: ShortcutMessage
    response_url: Url


class SlashCommand(Loose):
    """A slash command's form fields (all strings, as Slack sends them)."""

    command: Id
    user_id: Id
    trigger_id: Id
    text: Text = ""
    team_id: str | None = None
    channel_id: str | None = None
    response_url: Url


class Event(Loose):
    type: Id
    # A string in the events Nolan subscribes to (app_home_opened).
    user: str | None = None
    tab: str | None = None
    channel: str | dict[str, Any] | None = None


class EventCallback(Loose):
    type: Literal["event_callback"]
    event: Event
    team_id: str | None = None
    enterprise_id: str | None = None
    authorizations: list[dict[str, Any]] | None = None


class Handshake(Loose):
    """Slack's own checks of the endpoint: nothing of ours runs for them."""

    type: Literal["url_verification", "app_rate_limited"]


class SslCheck(Loose):
    ssl_check: str


Envelope = Annotated[
    BlockActions | ViewSubmission | Shortcut | MessageShortcut | EventCallback | Handshake,
    Field(discriminator="type"),
]
_envelope: TypeAdapter[Any] = TypeAdapter(Envelope)

Payload = (
    BlockActions
    | ViewSubmission
    | Shortcut
    | MessageShortcut
    | EventCallback
    | Handshake
    | SlashCommand
    | SslCheck
)


class Malformed(ValueError):
    """A body that is not a payload Nolan can act on; `reason` is one short line for the log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse(body: Any) -> Payload:
    """The typed payload of a parsed request body, or Malformed."""
    if not isinstance(body, dict):
        raise Malformed("the body is not an object")
    try:
        if "type" not in body:
            if "ssl_check" in body:
                return SslCheck.model_validate(body)
            return SlashCommand.model_validate(body)
        return _envelope.validate_python(body)
    except ValidationError as invalid:
        first = invalid.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        message = str(first.get("msg", "invalid"))[:120]  # pydantic quotes the bad input
        raise Malformed(f"{where[:120] or 'body'}: {message}") from None
