"""`python -m bot teams package --out nolan-teams.zip`: the app package an IT admin uploads to
the Teams admin centre — `manifest.json` (manifest schema 1.30), `color.png` 192×192 and
`outline.png` 32×32 (drawn once by scripts/make_teams_icons.py, shipped as package data).

The bot is the app: its Microsoft App ID (the Azure bot registration's, `TEAMS_APP_ID`) is
both the app's id and the bot's. The commands are Slack's slash commands (manifest.yml), typed
in the personal chat with Nolan and listed in its command menu; `home` and `help` stand in for
the Slack App Home and `/conduct help`. A bad option is one line naming it, never a traceback,
and the zip is written whole or not at all.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from importlib import metadata, resources
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

MANIFEST_VERSION = "1.30"
SCHEMA_URL = (
    f"https://developer.microsoft.com/json-schemas/teams/v{MANIFEST_VERSION}"
    "/MicrosoftTeams.schema.json"
)
ACCENT_COLOR = "#1D3C6E"  # manifest.yml's background_color, and the colour icon's
ICONS = ("color.png", "outline.png")

# (title, description), in menu order. Teams shows at most 10 commands a scope; a title of up
# to 32 characters and a description of up to 128.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("gift", "Declare an offer of a gift or hospitality"),
    ("interest", "Declare an interest (financial, membership, relationship…)"),
    ("outside-work", "Ask permission before taking outside work"),
    (
        "conduct",
        "Help, your declarations, and more from the code of conduct: "
        "conduct mine, notify, delegate, policies, search, export…",
    ),
    ("home", "Your declarations, the decisions waiting for you, and what to do next"),
    ("help", "What Nolan does and the commands it understands"),
)

_GUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
_HOST = re.compile(r"(?:\*\.)?(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}")
_SEMVER = re.compile(r"\d+\.\d+\.\d+")


class PackageError(ValueError):
    """A bad option or an unwritable --out, worded for one line on stderr."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `teams package` (bot.cli builds the parser)."""
    parser.add_argument(
        "--out", type=Path, required=True, metavar="FILE.zip", help="the package to write"
    )
    parser.add_argument(
        "--app-id",
        default=None,
        metavar="GUID",
        help="the Azure bot registration's Microsoft App ID (default: TEAMS_APP_ID)",
    )
    parser.add_argument(
        "--domain",
        action="append",
        default=[],
        metavar="HOST",
        help="a host name Nolan is served at, for the manifest's validDomains (repeatable)",
    )
    parser.add_argument(
        "--website-url",
        default=None,
        metavar="URL",
        help="the app's support page (default: CODE_OF_CONDUCT_URL, else https://the first "
        "--domain/)",
    )
    parser.add_argument(
        "--privacy-url",
        default=None,
        metavar="URL",
        help="the office's privacy notice (default: the website URL)",
    )
    parser.add_argument(
        "--terms-url", default=None, metavar="URL", help="terms of use (default: the website URL)"
    )
    parser.add_argument(
        "--developer-name",
        default=None,
        metavar="NAME",
        help="who Teams shows as the app's publisher, up to 32 characters (default: "
        "OFFICE_NAME if it fits, else Nolan)",
    )
    parser.add_argument(
        "--app-version",
        default=None,
        metavar="X.Y.Z",
        help="the package's version; raise it for each new upload (default: Nolan's version)",
    )


def build_manifest(
    app_id: str,
    *,
    developer_name: str,
    website_url: str,
    privacy_url: str,
    terms_url: str,
    domains: Sequence[str] = (),
    version: str,
) -> dict[str, Any]:
    """manifest.json for the bot `app_id`, in personal chats and teams."""
    return {
        "$schema": SCHEMA_URL,
        "manifestVersion": MANIFEST_VERSION,
        "version": version,
        "id": app_id,
        "developer": {
            "name": developer_name,
            "websiteUrl": website_url,
            "privacyUrl": privacy_url,
            "termsOfUseUrl": terms_url,
        },
        "name": {"short": "Nolan", "full": "Nolan: the staff code of conduct"},
        "description": {
            "short": "Declare gifts, hospitality, interests and outside work; get them decided",
            "full": (
                "Nolan carries the office's staff code of conduct into Teams. Declare an offer "
                "of a gift or hospitality, an interest or outside work in a short form; your "
                "line manager or the office holder the code names gets a card to decide it, "
                "with the history and the code's clauses beside it. Decisions are recorded in "
                "the registers with an audit trail, reminders arrive in working hours, and "
                "the monitoring officer can search and export the registers."
            ),
        },
        "icons": {"color": ICONS[0], "outline": ICONS[1]},
        "accentColor": ACCENT_COLOR,
        "bots": [
            {
                "botId": app_id,
                # personal: the 1:1 chat where people declare and decide; team: the channels
                # the governance digest and policy reminders are posted to.
                "scopes": ["personal", "team"],
                "isNotificationOnly": False,
                "supportsFiles": True,  # the file-consent card for exports and reports
                "commandLists": [
                    {
                        "scopes": ["personal"],
                        "commands": [
                            {"title": title, "description": description}
                            for title, description in COMMANDS
                        ],
                    }
                ],
            }
        ],
        "defaultInstallScope": "personal",
        "validDomains": list(domains),
    }


def write_package(out: Path, manifest: Mapping[str, Any]) -> None:
    """Write the zip (manifest and icons at its root, as Teams requires) whole or not at all:
    into a temporary file beside `out`, renamed over it at the end."""
    if out.suffix.lower() != ".zip":
        raise PackageError(f"--out must name a .zip file, got {str(out)!r}")
    if out.is_dir():
        raise PackageError(f"cannot write {out}: it is a directory")
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise PackageError(f"cannot write {out}: no such directory {parent}")
    icons = resources.files("bot.teams") / "icons"
    try:
        handle, temporary = tempfile.mkstemp(prefix=".nolan-teams-", suffix=".zip", dir=parent)
    except OSError as exc:
        raise PackageError(f"cannot write {out}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(handle, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
            for name in ICONS:
                z.writestr(name, (icons / name).read_bytes())
        os.replace(temporary, out)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise PackageError(f"cannot write {out}: {exc.strerror or exc}") from None


def run_package(
    args: argparse.Namespace,
    *,
    app_id: str,
    office_name: str,
    code_of_conduct_url: str,
    out: TextIO,
    err: TextIO,
) -> int:
    """`teams package`: 0 and one line when written; 2 and one line naming the problem."""
    try:
        manifest = build_manifest(
            _app_id(args.app_id or app_id),
            **_developer(args, office_name, code_of_conduct_url),
            domains=[_host(d) for d in args.domain],
            version=_version(args.app_version),
        )
        write_package(args.out, manifest)
    except PackageError as exc:
        print(f"nolan: error: {exc}", file=err)
        return 2
    print(
        f"Wrote {args.out}: upload it in the Teams admin centre (Teams apps > Manage apps > "
        "Upload new app).",
        file=out,
    )
    return 0


def _app_id(raw: str) -> str:
    value = raw.strip()
    if not value:
        raise PackageError(
            "no app id: set TEAMS_APP_ID or pass --app-id (the Azure bot registration's "
            "Microsoft App ID)"
        )
    if not _GUID.fullmatch(value):
        raise PackageError(f"the app id must be a GUID (the Microsoft App ID), got {value!r}")
    return value.lower()


def _host(raw: str) -> str:
    value = raw.strip()
    host = (urlsplit(value).hostname or "") if "://" in value else value.lower()
    if not _HOST.fullmatch(host):
        raise PackageError(f"--domain must be a host name such as nolan.example.org, got {raw!r}")
    return host


def _url(raw: str, option: str) -> str:
    value = raw.strip()
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.hostname or len(value) > 2048:
        raise PackageError(f"{option} must be an https:// address, got {raw!r}")
    return value


def _developer(
    args: argparse.Namespace, office_name: str, code_of_conduct_url: str
) -> dict[str, str]:
    if args.website_url:
        website = _url(args.website_url, "--website-url")
    elif code_of_conduct_url.startswith("https://"):
        website = _url(code_of_conduct_url, "CODE_OF_CONDUCT_URL")
    elif args.domain:
        website = f"https://{_host(args.domain[0]).removeprefix('*.')}/"
    else:
        raise PackageError(
            "the app needs a website for its publisher details: pass --website-url, or "
            "--domain with the host Nolan is served at"
        )
    name = (args.developer_name or "").strip()
    if not name:
        name = office_name if 0 < len(office_name) <= 32 else "Nolan"
    if len(name) > 32:
        raise PackageError(f"--developer-name must be at most 32 characters, got {len(name)}")
    return {
        "developer_name": name,
        "website_url": website,
        "privacy_url": _url(args.privacy_url, "--privacy-url") if args.privacy_url else website,
        "terms_url": _url(args.terms_url, "--terms-url") if args.terms_url else website,
    }


def _version(raw: str | None) -> str:
    if raw is None:
        try:
            raw = metadata.version("nolan")
        except metadata.PackageNotFoundError:  # run from a checkout that was never installed
            raw = "1.0.0"
    if not _SEMVER.fullmatch(raw.strip()):
        raise PackageError(f"--app-version must be X.Y.Z (e.g. 1.0.3), got {raw!r}")
    return raw.strip()
