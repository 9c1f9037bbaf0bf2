"""The bot starts without the heavy libraries: they load when a report or an export is made."""

from __future__ import annotations

import json
import os
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


# `python -m bot` starts with the collector off (bot.__main__); a one-off command turns it
# back on before it runs, with what start-up loaded frozen (bot.collector).
COLLECTOR = """
import gc, json, sys
gc.disable()
from bot.cli import main
code = main(["migrate"], environ={"DATABASE_URL": sys.argv[1]})
print(json.dumps([code, gc.isenabled(), gc.get_freeze_count() > 1000]))
"""


def test_a_command_collects_once_started_with_start_up_set_aside(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nolan.db'}"
    done = subprocess.run(
        [sys.executable, "-c", COLLECTOR, url], capture_output=True, text=True, check=True
    )
    assert json.loads(done.stdout.splitlines()[-1]) == [0, True, True]


def test_settling_leaves_a_collector_that_was_kept_on_as_it_is() -> None:
    probe = (
        "import gc; from bot.collector import settle; settle(); "
        "print(gc.isenabled(), gc.get_freeze_count())"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "0"]


def test_python_m_bot_starts_with_the_collector_off(tmp_path: Path) -> None:
    """bot.__main__ turns it off before Nolan loads: what `migrate` found to set aside is
    everything start-up loaded (the collector left on, nothing would be frozen)."""
    probe = (
        "import gc, runpy, sys\n"
        "sys.argv = ['bot', 'migrate']\n"
        "try:\n    runpy.run_module('bot', run_name='__main__')\n"
        "except SystemExit as exit:\n"
        "    print(exit.code, gc.isenabled(), gc.get_freeze_count() > 1000)\n"
    )
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'nolan.db'}"}
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=env
    )
    assert done.stdout.split()[-3:] == ["0", "True", "True"]
