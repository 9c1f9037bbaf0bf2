"""Contract checks the fake applies to every request, so tests fail where real Slack would.

Two sources of truth: Slack's published Web API description (method names and required
arguments) and slack_sdk.models (Block Kit / view validation), topped up with explicit
checks for limits slack_sdk does not enforce.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

# Slack's published description (slackapi/slack-api-specs, MIT: spec/LICENSE-slack-api-specs),
# committed so a clone's tests need nothing beside the repository.
SPEC_PATH = Path(__file__).resolve().parent / "spec" / "slack_web_openapi_v2.json"

# Methods newer than the 2020 spec snapshot that the bot legitimately calls,
# with their required arguments (besides the token).
NOT_IN_SPEC: dict[str, frozenset[str]] = {
    "apps.connections.open": frozenset(),  # Socket Mode (2021); uses the xapp- token only
    # files_upload_v2 (2024): ask for an upload URL, send the bytes there, then share.
    "files.getUploadURLExternal": frozenset({"filename", "length"}),
    "files.completeUploadExternal": frozenset({"files"}),
}

# Where the spec marks an argument optional but Slack rejects the call without it.
EXTRA_REQUIRED: dict[str, frozenset[str]] = {
    "users.info": frozenset({"user"}),
    "views.update": frozenset({"view"}),
}

MESSAGE_METHODS = frozenset({"chat.postMessage", "chat.update", "chat.postEphemeral"})
VIEW_METHODS = frozenset({"views.open", "views.push", "views.update", "views.publish"})

# Arguments slack_sdk may send as JSON strings inside form bodies.
JSON_ARGS = ("blocks", "attachments", "view", "metadata", "user_auth_blocks")

MAX_MESSAGE_TEXT = 40_000
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_MODAL_TITLE = 24
MAX_PRIVATE_METADATA = 3000
MAX_CALLBACK_ID = 255
# slack_sdk keeps select/checkbox/radio options as raw dicts, so their limits go unchecked.
MAX_OPTION_TEXT = 75
MAX_OPTION_VALUE = 150
# Text objects under these keys must be plain_text (Slack answers invalid_blocks otherwise).
PLAIN_TEXT_KEYS = frozenset({"label", "placeholder", "title", "submit", "close", "confirm", "deny"})


@cache
def _spec_required() -> dict[str, frozenset[str]]:
    if not SPEC_PATH.is_file():
        raise FileNotFoundError(
            f"Slack Web API spec not found at {SPEC_PATH}; committed under tests/fakeslack/spec"
        )
    spec = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    required: dict[str, frozenset[str]] = {}
    for path, operations in spec["paths"].items():
        names: set[str] = set()
        for op in operations.values():
            for param in op.get("parameters", []):
                if param.get("required") and param["name"] != "token" and param["in"] != "header":
                    names.add(param["name"])
        required[path.lstrip("/")] = frozenset(names)
    return required


def known_method(method: str) -> bool:
    return method in NOT_IN_SPEC or method in _spec_required()


def missing_required(method: str, args: dict[str, Any]) -> list[str]:
    """Required arguments (per spec plus EXTRA_REQUIRED) that are absent or empty."""
    required = NOT_IN_SPEC.get(method) or _spec_required().get(method, frozenset())
    required = required | EXTRA_REQUIRED.get(method, frozenset())
    return sorted(name for name in required if args.get(name) in (None, ""))


def _walk(node: Any, path: str) -> Iterator[tuple[str, Any, str]]:
    """Yield (key, value, path) for every dict entry in a JSON tree."""
    if isinstance(node, dict):
        for key, value in node.items():
            sub = f"{path}.{key}"
            yield key, value, sub
            yield from _walk(value, sub)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _walk(item, f"{path}[{i}]")


def _dropped(raw: Any, out: Any, path: str) -> list[str]:
    """Where slack_sdk's re-serialisation lost or changed input: typos, unknown types, nulls."""
    if isinstance(raw, dict):
        if not isinstance(out, dict):
            return [f"{path}: not recognised by slack_sdk (unknown type {raw.get('type')!r}?)"]
        problems = []
        for key, value in raw.items():
            if key in out:
                problems += _dropped(value, out[key], f"{path}.{key}")
            elif value is None:
                problems.append(f"{path}.{key}: null value (omit the key instead)")
            elif value in ([], {}) or (key == "text" and value == ""):
                problems.append(f"{path}.{key}: empty value")
            elif value == "":
                continue  # slack_sdk drops empty strings; Slack's view on them varies by field
            else:
                problems.append(f"{path}.{key}: unknown key, dropped by slack_sdk")
        return problems
    if isinstance(raw, list):
        if not isinstance(out, list) or len(out) != len(raw):
            return [f"{path}: list not preserved by slack_sdk"]
        return [
            p
            for i, (a, b) in enumerate(zip(raw, out, strict=True))
            for p in _dropped(a, b, f"{path}[{i}]")
        ]
    if raw != out:
        return [f"{path}: {raw!r} normalised to {out!r} by slack_sdk"]
    return []


def _option_problems(option: Any, path: str, plain_only: bool) -> list[str]:
    if not isinstance(option, dict):
        return [f"{path}: option must be an object"]
    problems = []
    text = option.get("text")
    if not isinstance(text, dict) or not text.get("text"):
        problems.append(f"{path}.text: option needs a non-empty text object")
    else:
        if len(text["text"]) > MAX_OPTION_TEXT:
            problems.append(f"{path}.text: longer than {MAX_OPTION_TEXT} characters")
        if plain_only and text.get("type") != "plain_text":
            problems.append(f"{path}.text: select menu options must be plain_text")
    value = option.get("value")
    if not isinstance(value, str) or not value:
        problems.append(f"{path}.value: option needs a non-empty string value")
    elif len(value) > MAX_OPTION_VALUE:
        problems.append(f"{path}.value: longer than {MAX_OPTION_VALUE} characters")
    return problems


def _explicit_block_problems(block: dict[str, Any], path: str) -> list[str]:
    """Block Kit rules slack_sdk.models does not enforce (checked on the raw JSON)."""
    problems = []
    nodes = [(None, block, path), *_walk(block, path)]
    for key, node, where in nodes:
        is_text_object = isinstance(node, dict) and isinstance(node.get("text"), str)
        if key in PLAIN_TEXT_KEYS and is_text_object and node.get("type") != "plain_text":
            problems.append(f"{where}: must be a plain_text object")
        if not isinstance(node, dict):
            continue
        ntype = node.get("type")
        text = node.get("text")
        if (
            ntype in ("header", "button")
            and isinstance(text, dict)
            and text.get("type") != "plain_text"
        ):
            problems.append(f"{where}.text: {ntype} text must be plain_text")
        plain_only = isinstance(ntype, str) and ntype.endswith("_select")
        groups = node.get("option_groups") or []
        option_lists = [
            ("options", node.get("options")),
            ("initial_options", node.get("initial_options")),
        ]
        option_lists += [
            (f"option_groups[{i}].options", g.get("options"))
            for i, g in enumerate(groups)
            if isinstance(g, dict)
        ]
        for name, options in option_lists:
            if isinstance(options, list):
                for i, option in enumerate(options):
                    problems += _option_problems(option, f"{where}.{name}[{i}]", plain_only)
        if isinstance(node.get("initial_option"), dict):
            problems += _option_problems(
                node["initial_option"], f"{where}.initial_option", plain_only
            )
    return problems


def block_problems(blocks: Any, where: str, max_blocks: int) -> list[str]:
    """Validate a blocks array with slack_sdk.models plus explicit limits."""
    if not isinstance(blocks, list):
        return [f"{where}.blocks: must be a JSON array, got {type(blocks).__name__}"]
    problems = []
    if len(blocks) > max_blocks:
        problems.append(f"{where}.blocks: {len(blocks)} blocks, Slack allows at most {max_blocks}")
    for i, raw in enumerate(blocks):
        path = f"{where}.blocks[{i}]"
        if not isinstance(raw, dict) or not isinstance(raw.get("type"), str):
            problems.append(f"{path}: a block must be an object with a type")
            continue
        try:
            block = Block.parse(raw)
            if block is None or type(block) is Block:
                problems.append(f"{path}: unknown block type {raw['type']!r}")
                continue
            out = block.to_dict()  # to_dict() validates recursively; validate_json() only one level
        except Exception as exc:  # any failure to build the model means Slack would reject it
            problems.append(f"{path}: {type(exc).__name__}: {exc}")
            continue
        problems += _dropped(raw, out, path)
        problems += _explicit_block_problems(raw, path)
    return problems


def message_problems(args: dict[str, Any], where: str) -> list[str]:
    """Checks for a message body (chat.* arguments or a response_url payload)."""
    problems = []
    text = args.get("text")
    if text is not None and not isinstance(text, str):
        problems.append(f"{where}.text: must be a string")
        text = None
    if text and len(text) > MAX_MESSAGE_TEXT:
        problems.append(f"{where}.text: {len(text)} characters, Slack allows {MAX_MESSAGE_TEXT}")
    blocks = args.get("blocks")
    if blocks is not None:
        problems += block_problems(blocks, where, MAX_MESSAGE_BLOCKS)
        # Slack uses text for notifications and screen readers when blocks are present.
        if not (text or "").strip():
            problems.append(f"{where}: message has blocks but no plain text fallback")
    elif not (text or "").strip() and not args.get("attachments"):
        problems.append(f"{where}: message needs text or blocks (Slack answers no_text)")
    return problems


def view_problems(view: Any, where: str, expected_type: str | None) -> list[str]:
    """Validate a view with slack_sdk.models.views.View plus explicit limits."""
    if not isinstance(view, dict):
        return [f"{where}.view: must be a JSON object, got {type(view).__name__}"]
    problems = []
    vtype = view.get("type")
    if vtype not in ("modal", "home"):
        problems.append(f"{where}.view.type: must be 'modal' or 'home', got {vtype!r}")
    elif expected_type and vtype != expected_type:
        problems.append(f"{where}.view.type: this method needs a {expected_type} view")
    # Blocks are checked separately (better paths); a stand-in keeps View's count check quiet.
    try:
        model = View(**{**view, "blocks": [{"type": "divider"}]})
        model.to_dict()
    except Exception as exc:  # any failure to build the model means Slack would reject it
        problems.append(f"{where}.view: {type(exc).__name__}: {exc}")
    else:
        # View(**d) silently ignores unknown keywords, so a typo like "titel" would vanish.
        problems += [f"{where}.view.{k}: unknown key" for k in view if k not in model.attributes]
    title = view.get("title")
    if vtype == "modal":
        if not isinstance(title, dict) or not title.get("text"):
            problems.append(f"{where}.view.title: a modal needs a title")
        elif len(title["text"]) > MAX_MODAL_TITLE:
            problems.append(f"{where}.view.title: longer than {MAX_MODAL_TITLE} characters")
    for key in ("title", "submit", "close"):
        if isinstance(view.get(key), dict) and view[key].get("type") != "plain_text":
            problems.append(f"{where}.view.{key}: must be a plain_text object")
    metadata = view.get("private_metadata")
    if isinstance(metadata, str) and len(metadata) > MAX_PRIVATE_METADATA:
        problems.append(f"{where}.view.private_metadata: longer than {MAX_PRIVATE_METADATA}")
    callback_id = view.get("callback_id")
    if isinstance(callback_id, str) and len(callback_id) > MAX_CALLBACK_ID:
        problems.append(f"{where}.view.callback_id: longer than {MAX_CALLBACK_ID}")
    blocks = view.get("blocks")
    if blocks is None:
        problems.append(f"{where}.view.blocks: required")
    else:
        problems += block_problems(blocks, f"{where}.view", MAX_VIEW_BLOCKS)
        has_input = isinstance(blocks, list) and any(
            isinstance(b, dict) and b.get("type") == "input" for b in blocks
        )
        if vtype == "modal" and has_input and not view.get("submit"):
            problems.append(f"{where}.view.submit: required when the modal has input blocks")
    return problems
