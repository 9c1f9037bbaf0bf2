"""The bot starts without the heavy libraries: they load when a report or an export is made."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HEAVY = ("matplotlib", "numpy", "PIL", "openpyxl", "weasyprint")

PROBE = """
import json, sys
from bot.app import create_app
from bot.server import make_server
from bot.settings import load_settings
from storage.db import Database
import bot.cli, bot.scheduler, bot.export, bot.publish, bot.report.gather

settings = load_settings(
    {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "DATABASE_URL": sys.argv[1]},
    dotenv_path=None,
)
db = Database(settings.database_url)
db.migrate()
create_app(settings, db, verify_token=False)
print(json.dumps(sorted(n for n in json.loads(sys.argv[2]) if n in sys.modules)))
"""


def test_building_the_app_loads_no_heavy_library(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nolan.db'}"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, url, json.dumps(HEAVY)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(done.stdout.splitlines()[-1]) == []


def test_an_xlsx_export_loads_openpyxl_when_made() -> None:
    probe = (
        "import io, sys; from bot.export import _write_file; from bot.registers import GIFTS; "
        "before = 'openpyxl' in sys.modules; "
        "_write_file(io.BytesIO(), 'xlsx', GIFTS.columns, [], 'x'); "
        "print(before, 'openpyxl' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "True"]
