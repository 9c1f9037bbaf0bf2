#!/usr/bin/env python3
"""Benchmark the registers at scale: wall time and peak memory of each bulk command.

    scripts/bench_registers.py [--rows 1000000] [--staff 1000] [--database-url URL]
                               [--only export-csv,export-xlsx,publish,report,audit-verify]
                               [--keep FILE.db]

Seeds --rows declarations in the financial year 2026/27 (85% gifts and hospitality, 10%
interests, 5% outside work; nine in ten decided, one in ten waiting) with their approval steps
and audit entries (a declared entry for each, a decided entry for each decision, chained as
the bot chains them), by bulk insert. Then it runs each command as the operator would
(`python -m bot …` through bot.cli.main), each in a subprocess of its own so that its peak
resident memory is its own, and prints a line per command: wall time, peak RSS, output size.

    export-csv     register export gifts --output gifts.csv (the full register)
    export-xlsx    register export gifts --output gifts.xlsx
    publish        register publish --year 2026 (with PUBLISH_INTERESTS=yes)
    report         report annual --year 2026 --out report.pdf
    audit-verify   audit verify

Database: a temporary SQLite file by default; with --database-url postgresql+psycopg://… a
scratch database on that server, dropped afterwards (as scripts/bench_sweep.py does). With
--keep FILE.db the SQLite file is kept, and a later run given the same file and --rows reuses
it without seeding again (a million rows take a while to seed).

This is not a timed test; tests/bot/test_bench_scripts.py runs it small so it does not rot.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time as timer
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import func, select, text, update

from storage.audit_chain import GENESIS, HEAD_ID, entry_hash
from storage.db import Database
from storage.models import (
    ApprovalStep,
    AuditEntry,
    AuditHead,
    Declaration,
    GiftOffer,
    Interest,
    OutsideWork,
    Staff,
)

FIRST_DAY = date(2026, 4, 1)
STAMP = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
CHUNK = 5_000
TASKS: dict[str, list[str]] = {
    "export-csv": ["register", "export", "gifts", "--output", "{out}/gifts.csv"],
    "export-xlsx": ["register", "export", "gifts", "--output", "{out}/gifts.xlsx"],
    "publish": ["register", "publish", "--year", "2026", "--out", "{out}/site"],
    "report": ["report", "annual", "--year", "2026", "--out", "{out}/report.pdf"],
    "audit-verify": ["audit", "verify"],
}
OFFERORS = [f"Supplier {n} Ltd" for n in range(400)]


def _staff(staff: int) -> list[dict[str, Any]]:
    managers = max(staff // 10, 1)
    rows = []
    for i in range(1, staff + 1):
        roles = {1: "head_of_office", 2: "monitoring_officer"}.get(i, "")
        manager = None if i == 1 else (1 if i <= managers + 2 else 3 + (i % managers))
        rows.append(
            {
                "id": i,
                "email": f"person{i}@opcc.example",
                "name": f"Person {i}",
                "slack_user_id": f"U{i:07d}",
                "line_manager_id": manager,
                "roles": roles,
                "vetting_level": None,
                "vetting_expires": None,
                "politically_restricted": False,
                "active": True,
                "updated_at": STAMP,
                "tz": None,
                "starter_since": None,
            }
        )
    return rows


def _kind(i: int) -> str:
    return "outside_work" if i % 20 == 0 else "interest" if i % 10 == 5 else "gift"


def _chunk(first: int, last: int, staff: list[dict[str, Any]], chain: list[Any]) -> dict[str, Any]:
    """Declarations first..last with their detail rows, steps and audit entries. `chain` is
    [next audit id, previous hash], carried from chunk to chunk."""
    out: dict[str, list[dict[str, Any]]] = {
        k: [] for k in ("declaration", "gift", "interest", "outside_work", "step", "audit")
    }

    def audit(at: datetime, actor: int, action: str, d: int, detail: dict[str, Any]) -> None:
        body = json.dumps(detail, sort_keys=True)
        row = {"id": chain[0], "at": at, "actor_id": actor, "action": action}
        row |= {"declaration_id": d, "detail": body, "prev_hash": chain[1]}
        row["hash"] = entry_hash(**{k: v for k, v in row.items() if k != "hash"})
        out["audit"].append(row)
        chain[0], chain[1] = chain[0] + 1, row["hash"]

    for d in range(first, last + 1):
        kind = _kind(d)
        person = staff[2 + d % (len(staff) - 2)] if len(staff) > 2 else staff[-1]
        approver = person["line_manager_id"] or 2
        day = FIRST_DAY + timedelta(days=d % 365)
        created = datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC)
        decided = d % 10 != 0
        status = ("approved" if d % 3 else "declined") if decided else "pending"
        if kind != "gift" and decided:
            status = "noted" if kind == "interest" else "granted"
        prefix = {"gift": "GH", "interest": "INT", "outside_work": "OW"}[kind]
        out["declaration"].append(
            {
                "id": d,
                "reference": f"{prefix}-{d:07d}",
                "kind": kind,
                "declarant_id": person["id"],
                "status": status,
                "chosen_approver_id": None,
                "chain": "",
                "named_staff_id": None,
                "created_at": created,
                "withheld_reason": "personal_safety" if d % 997 == 0 else None,
                "withheld_by_id": 2 if d % 997 == 0 else None,
                "withheld_at": created if d % 997 == 0 else None,
            }
        )
        if kind == "gift":
            out["gift"].append(
                {
                    "declaration_id": d,
                    "kind": "hospitality" if d % 2 else "gift",
                    "gift_type": None if d % 2 else "item",
                    "offered_by": OFFERORS[d % len(OFFERORS)],
                    "relationship": "contractor",
                    "description": f"Lunch at the annual conference, number {d}",
                    "value_pence": 1000 + d % 20000,
                    "date_offered": day,
                    "event_date": day if d % 2 else None,
                    "response": "wants_to_accept" if d % 4 else "declined",
                    "reason": "Representing the office",
                    "use_at_work": False,
                    "unsolicited": False,
                    "flags": "",
                    "disposal": None,
                }
            )
        elif kind == "interest":
            out["interest"].append(
                {
                    "declaration_id": d,
                    "category": "financial",
                    "organisation": OFFERORS[d % len(OFFERORS)],
                    "description": f"Shares held, number {d}",
                    "started_on": day - timedelta(days=40),
                    "ended_on": None,
                    "conflict": "",
                    "proposal": "",
                    "action": None,
                    "restricted_post": False,
                }
            )
        else:
            out["outside_work"].append(
                {
                    "declaration_id": d,
                    "organisation": "Town Football Club",
                    "role": "Treasurer",
                    "paid": False,
                    "hours_per_week": 2.5,
                    "when": "outside_hours",
                    "start_date": day + timedelta(days=10),
                    "involves_partner": False,
                    "uses_office": "",
                    "notes": "",
                    "recommendation": None,
                    "conditions": None,
                    "reason": None,
                    "ended_on": None,
                }
            )
        out["step"].append(
            {
                "id": d,
                "declaration_id": d,
                "position": 1,
                "stage": 1,
                "role": "line_manager",
                "purpose": {"gift": "authorise", "interest": "note", "outside_work": "grant"}[kind],
                "approver_id": approver,
                "delegated_from_id": None,
                "clock_started_at": created,
                "reminded_at": None,
                "status": status,
                "decided_by_id": approver if decided else None,
                "decided_at": created + timedelta(days=2) if decided else None,
                "reason": None,
                "dm_channel": f"D{approver:07d}",
                "dm_ts": "1700000000.000100",
                "created_at": created,
            }
        )
        audit(created, person["id"], "declared", d, {"reference": f"{prefix}-{d:07d}"})
        if decided:
            audit(created + timedelta(days=2), approver, "decided", d, {"outcome": status})
    return out


def seed(db: Database, *, rows: int, staff: int) -> int:
    """Bulk-insert the org chart and `rows` declarations; returns the audit entries written."""
    from bench_db import bulk  # not in the child: it loads the Slack app and its fakes

    people = _staff(staff)
    bulk(db, Staff.__table__, people)
    chain: list[Any] = [1, GENESIS]
    tables = {
        "declaration": Declaration.__table__,
        "gift": GiftOffer.__table__,
        "interest": Interest.__table__,
        "outside_work": OutsideWork.__table__,
        "step": ApprovalStep.__table__,
        "audit": AuditEntry.__table__,
    }
    for first in range(1, rows + 1, CHUNK):
        batch = _chunk(first, min(first + CHUNK - 1, rows), people, chain)
        with db.engine.begin() as conn:
            for name, table in tables.items():
                if batch[name]:
                    conn.execute(table.insert(), batch[name])
    entries = chain[0] - 1
    with db.engine.begin() as conn:
        head = AuditHead.__table__  # type: ignore[attr-defined]
        conn.execute(
            update(head).where(head.c.id == HEAD_ID).values(last_id=entries, last_hash=chain[1])
        )
        if db.engine.dialect.name == "postgresql":  # explicit ids: move the sequences on
            for table in ("staff", "declaration", "approval_step", "audit_entry"):
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
            conn.execute(text("ANALYZE"))
    return entries


@contextmanager
def kept_database(path: str) -> Iterator[Database]:
    """A SQLite file that outlives the run, migrated (a no-op when it already is)."""
    db = Database(f"sqlite:///{Path(path).resolve()}")
    db.migrate()
    try:
        yield db
    finally:
        db.dispose()


def seeded_rows(db: Database) -> tuple[int, int]:
    """The declarations and audit entries a kept database already holds."""
    with db.engine.connect() as conn:
        rows = conn.execute(select(func.count()).select_from(Declaration.__table__)).scalar_one()
        entries = conn.execute(select(func.count()).select_from(AuditEntry.__table__))
        return int(rows), int(entries.scalar_one())


def run_task(task: str, url: str, out: str) -> dict[str, Any]:
    """In the child: one command through the CLI, its time and this process's peak RSS."""
    from bot.cli import main

    argv = [a.format(out=out) for a in TASKS[task]]
    environ = {
        "DATABASE_URL": url,
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": "bench",
        "PUBLISH_INTERESTS": "yes",
        "LOG_LEVEL": "WARNING",
    }
    sink, err = io.StringIO(), io.StringIO()
    started = timer.perf_counter()
    code = main(argv, environ=environ, stdout=sink, stderr=err)
    seconds = timer.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    written = sum(p.stat().st_size for p in Path(out).rglob("*") if p.is_file())
    return {
        "task": task,
        "code": code,
        "seconds": seconds,
        "peak_mb": peak_kb / 1024,
        "written_mb": written / 1e6,
        "error": err.getvalue().strip()[-300:],
    }


def _child(task: str, url: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix=f"nolan-bench-{task}-") as out:
        done = subprocess.run(
            [sys.executable, __file__, "--task", task, "--database-url", url, "--out", out],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0 and not done.stdout.strip():
            return {"task": task, "code": done.returncode, "error": done.stderr[-500:]}
        return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _lines(results: list[dict[str, Any]]) -> Iterator[str]:
    yield f"{'command':<14}{'exit':>5}{'wall s':>10}{'peak RSS MB':>13}{'written MB':>12}"
    for r in results:
        if "seconds" not in r:
            yield f"{r['task']:<14}{r['code']:>5}  failed: {r.get('error', '')}"
            continue
        yield (
            f"{r['task']:<14}{r['code']:>5}{r['seconds']:>10.1f}{r['peak_mb']:>13.0f}"
            f"{r['written_mb']:>12.1f}"
        )
        if r["code"] != 0:
            yield f"    {r['error']}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--staff", type=int, default=1000)
    parser.add_argument("--database-url")
    parser.add_argument("--only", default=",".join(TASKS))
    parser.add_argument("--keep", metavar="FILE.db", help="seed into this SQLite file, or reuse it")
    parser.add_argument("--task", choices=TASKS, help=argparse.SUPPRESS)  # the child's part
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.task:
        print(json.dumps(run_task(args.task, args.database_url, args.out)))
        return 0
    tasks = [t for t in args.only.split(",") if t]
    unknown = sorted(set(tasks) - set(TASKS))
    if unknown:
        parser.error(f"unknown task(s) {', '.join(unknown)}; choose from {', '.join(TASKS)}")
    if args.staff < 3:
        parser.error("--staff must be at least 3")
    if args.keep and args.database_url:
        parser.error("--keep is a SQLite file: give it or --database-url, not both")
    # Imported here, not at the top: bench_sweep loads the whole Slack app (handlers) and
    # its fakes, about 30 MB that a child measuring one command must not count.
    from bench_db import scratch_database

    opened = (
        kept_database(args.keep) if args.keep else scratch_database(args.database_url, args.staff)
    )
    with opened as db:
        rows, entries = seeded_rows(db) if args.keep else (0, 0)
        if rows and rows != args.rows:
            parser.error(f"{args.keep} holds {rows:,} declarations, not --rows {args.rows:,}")
        if rows:
            print(
                f"{db.engine.dialect.name}: reused {rows:,} declarations and {entries:,} audit "
                f"entries in {args.keep} (cpu count {os.cpu_count()})"
            )
        else:
            started = timer.perf_counter()
            entries = seed(db, rows=args.rows, staff=args.staff)
            seeded = timer.perf_counter() - started
            print(
                f"{db.engine.dialect.name}: seeded {args.rows:,} declarations, {args.staff:,} "
                f"staff and {entries:,} audit entries in {seeded:.0f} s "
                f"(cpu count {os.cpu_count()})",
                flush=True,
            )
        url = db.engine.url.render_as_string(hide_password=False)
        results = [_child(task, url) for task in tasks]
    for line in _lines(results):
        print(line)
    return 0 if all(r.get("code") == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
