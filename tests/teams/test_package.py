"""`python -m bot teams package`: the zip an IT admin uploads — a manifest Microsoft's schema
accepts, the two icons as Teams asks for them, and a one-line answer to a bad option."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from PIL import Image

from bot.cli import main
from tests.faketeams import APP_ID
from tests.schemas import MANIFEST_VERSION, assert_valid_manifest

REPO = Path(__file__).resolve().parents[2]


def run(*argv: str, environ: dict[str, str] | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    env = {"TEAMS_APP_ID": APP_ID} if environ is None else environ
    code = main(["teams", "package", *argv], environ=env, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def package(path: Path) -> tuple[dict[str, Any], dict[str, Image.Image]]:
    with zipfile.ZipFile(path) as z:
        assert sorted(z.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(z.read("manifest.json"))
        icons = {n: Image.open(io.BytesIO(z.read(n))) for n in ("color.png", "outline.png")}
    for icon in icons.values():
        icon.load()
    return manifest, icons


def test_the_package_holds_a_valid_manifest_for_the_app_id(tmp_path: Path) -> None:
    out = tmp_path / "nolan-teams.zip"
    code, said, err = run("--out", str(out), "--domain", "nolan.opcc.example")
    assert (code, err) == (0, "")
    assert said.startswith(f"Wrote {out}: upload it in the Teams admin centre")
    manifest, _ = package(out)
    assert_valid_manifest(manifest)
    assert manifest["manifestVersion"] == MANIFEST_VERSION
    assert manifest["id"] == manifest["bots"][0]["botId"] == APP_ID
    assert manifest["bots"][0]["scopes"] == ["personal", "team"]
    assert manifest["validDomains"] == ["nolan.opcc.example"]
    assert manifest["developer"]["websiteUrl"] == "https://nolan.opcc.example/"
    assert manifest["icons"] == {"color": "color.png", "outline": "outline.png"}


def test_the_commands_are_slacks_with_home_and_help(tmp_path: Path) -> None:
    """The same commands and wording as the Slack app's slash commands, within Teams' limits
    (10 commands, titles of 32 characters, descriptions of 128)."""
    out = tmp_path / "nolan-teams.zip"
    assert run("--out", str(out), "--domain", "nolan.opcc.example")[0] == 0
    [commands] = package(out)[0]["bots"][0]["commandLists"]
    assert commands["scopes"] == ["personal"]
    listed = {c["title"]: c["description"] for c in commands["commands"]}
    assert list(listed) == ["gift", "interest", "outside-work", "conduct", "home", "help"]
    slack = yaml.safe_load((REPO / "manifest.yml").read_text(encoding="utf-8"))
    for command in slack["features"]["slash_commands"]:
        assert listed[command["command"].lstrip("/")].startswith(command["description"])
    assert len(listed) <= 10
    assert all(len(t) <= 32 and 0 < len(d) <= 128 for t, d in listed.items())


def test_the_icons_are_the_sizes_teams_asks_for_and_the_outline_is_white_on_clear(
    tmp_path: Path,
) -> None:
    out = tmp_path / "nolan-teams.zip"
    assert run("--out", str(out), "--domain", "nolan.opcc.example")[0] == 0
    _, icons = package(out)
    color, outline = icons["color.png"], icons["outline.png"]
    assert (color.format, color.size) == ("PNG", (192, 192))
    assert (outline.format, outline.size, outline.mode) == ("PNG", (32, 32), "RGBA")
    pixels = [outline.getpixel((x, y)) for x in range(32) for y in range(32)]
    shown = [p for p in pixels if p[3] > 0]
    assert {p[:3] for p in shown} == {(255, 255, 255)}  # white, nothing else
    assert 0 < len(shown) < len(pixels) // 2  # a shape on a clear ground
    assert all(outline.getpixel(corner)[3] == 0 for corner in [(0, 0), (31, 0), (0, 31), (31, 31)])


def test_the_options_fill_the_publisher_details(tmp_path: Path) -> None:
    out = tmp_path / "custom.ZIP"
    code, _, err = run(
        "--out", str(out),
        "--app-id", APP_ID.upper(),
        "--domain", "https://nolan.opcc.example/api/messages",
        "--domain", "*.opcc.example",
        "--website-url", "https://www.opcc.example/nolan",
        "--privacy-url", "https://www.opcc.example/privacy",
        "--terms-url", "https://www.opcc.example/terms",
        "--developer-name", "OPCC for Somewhere",
        "--app-version", "2.3.4",
        environ={},
    )
    assert (code, err) == (0, "")
    manifest, _ = package(out)
    assert_valid_manifest(manifest)
    assert manifest["id"] == APP_ID  # a GUID in either case; written as the registration shows it
    assert manifest["version"] == "2.3.4"
    assert manifest["validDomains"] == ["nolan.opcc.example", "*.opcc.example"]
    assert manifest["developer"] == {
        "name": "OPCC for Somewhere",
        "websiteUrl": "https://www.opcc.example/nolan",
        "privacyUrl": "https://www.opcc.example/privacy",
        "termsOfUseUrl": "https://www.opcc.example/terms",
    }


def test_the_website_defaults_to_the_code_of_conduct(tmp_path: Path) -> None:
    out = tmp_path / "nolan-teams.zip"
    code, _, err = run(
        "--out", str(out),
        environ={"TEAMS_APP_ID": APP_ID, "CODE_OF_CONDUCT_URL": "https://opcc.example/code",
                 "OFFICE_NAME": "OPCC Somewhere"},
    )
    assert (code, err) == (0, "")
    manifest, _ = package(out)
    assert manifest["developer"]["name"] == "OPCC Somewhere"
    assert manifest["developer"]["privacyUrl"] == "https://opcc.example/code"
    assert manifest["validDomains"] == []


@pytest.mark.parametrize(
    ("argv", "environ", "said"),
    [
        (["--domain", "n.example.org"], {}, "no app id: set TEAMS_APP_ID or pass --app-id"),
        (["--domain", "n.example.org"], {"TEAMS_APP_ID": "replace-me"},
         "the app id must be a GUID (the Microsoft App ID), got 'replace-me'"),
        (["--app-id", APP_ID], {}, "the app needs a website for its publisher details"),
        (["--domain", "not a host"], None, "--domain must be a host name"),
        (["--domain", "n.example.org", "--privacy-url", "http://x.example.org/p"], None,
         "--privacy-url must be an https:// address, got 'http://x.example.org/p'"),
        (["--domain", "n.example.org", "--developer-name", "x" * 33], None,
         "--developer-name must be at most 32 characters, got 33"),
        (["--domain", "n.example.org", "--app-version", "v2"], None,
         "--app-version must be X.Y.Z (e.g. 1.0.3), got 'v2'"),
    ],
)
def test_a_bad_option_is_one_line_and_writes_nothing(
    tmp_path: Path, argv: list[str], environ: dict[str, str] | None, said: str
) -> None:
    out = tmp_path / "nolan-teams.zip"
    code, printed, err = run("--out", str(out), *argv, environ=environ)
    assert (code, printed) == (2, "")
    assert err.startswith(f"nolan: error: {said}") and err.count("\n") == 1, err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("where", "said"),
    [
        ("missing/nolan-teams.zip", "no such directory"),
        ("adir.zip", "it is a directory"),
        ("nolan-teams.tar", "--out must name a .zip file"),
    ],
)
def test_a_bad_out_path_is_one_line_never_a_traceback(
    tmp_path: Path, where: str, said: str
) -> None:
    (tmp_path / "adir.zip").mkdir()
    code, printed, err = run("--out", str(tmp_path / where), "--domain", "n.example.org")
    assert (code, printed) == (2, "")
    assert err.startswith("nolan: error: ") and said in err and err.count("\n") == 1, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["adir.zip"]


def test_a_failed_write_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("bot.teams.package.os.replace", full)
    code, _, err = run("--out", str(tmp_path / "nolan-teams.zip"), "--domain", "n.example.org")
    assert code == 2
    where = tmp_path / "nolan-teams.zip"
    assert err == f"nolan: error: cannot write {where}: No space left on device\n"
    assert list(tmp_path.iterdir()) == []
