"""What bench_ack.py measures, for either platform: requests sent from N threads at once,
their latencies, and the table of figures with Nolan's over the bare app's."""

from __future__ import annotations

import threading
import time as timer
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

SLOW = 3.0  # seconds: Slack shows the person an error past this (Teams: an invoke times out)


@dataclass
class Result:
    app: str
    kind: str
    concurrency: int
    latencies: list[float]
    failed: int  # not answered 200
    seconds: float
    cpu_ms: float | None = None  # the app's CPU an action, its work after the ack included
    db_cpu_ms: float | None = None  # the database server's (PostgreSQL's processes)
    # The whole machine's: the app's, the database's, and the load and the fake platform's.
    machine_cpu_ms: float | None = None
    # Actions a second end to end: from the first request sent to the last message it caused
    # delivered (the manager's DM, the card updated), not only acknowledged.
    done_per_second: float | None = None
    began: float = 0.0  # time.monotonic() when the first request was sent

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))] * 1000

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    @property
    def slow(self) -> int:
        return sum(1 for t in self.latencies if t > SLOW)


def measure(
    app: str, kind: str, url: str, make: Callable[[str], Any], concurrency: int, count: int,
    deliver: Callable[[str, Any], int],
) -> Result:
    """`count` requests made by `make` (before the clock starts), sent by `deliver` from
    `concurrency` threads at once; `deliver` answers the HTTP status."""
    bodies = [make(kind) for _ in range(count)]
    latencies: list[float] = []
    failed = 0
    lock = threading.Lock()

    def send(body: Any) -> None:
        nonlocal failed
        started = timer.perf_counter()
        try:
            status = deliver(url, body)
        except OSError:
            status = 0
        took = timer.perf_counter() - started
        with lock:
            latencies.append(took)
            failed += status != 200

    began, started = timer.monotonic(), timer.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(send, bodies))
    took = timer.perf_counter() - started
    return Result(app, kind, concurrency, latencies, failed, took, began=began)


def record_done(result: Result, delivered: list[float]) -> None:
    """`result`'s actions a second end to end, from the times (time.monotonic()) at which the
    platform received the messages they caused."""
    if delivered and max(delivered) > result.began:
        result.done_per_second = len(result.latencies) / (max(delivered) - result.began)


def table(results: list[Result]) -> Iterator[str]:
    yield (
        f"{'request':<16}{'conc':>5} {'app':<6}{'p50':>8}{'p95':>8}{'p99':>8}{'req/s':>8}"
        f"{'>3s':>5}{'non-200':>8}{'done/s':>8}{'cpu ms':>8}{'db ms':>7}{'all ms':>8}"
        "   nolan/bare p50 p99"
    )
    by_key = {(r.kind, r.concurrency, r.app): r for r in results}
    for r in results:
        line = (
            f"{r.kind:<16}{r.concurrency:>5} {r.app:<6}{r.percentile(50):>8.0f}"
            f"{r.percentile(95):>8.0f}{r.percentile(99):>8.0f}{r.per_second:>8.1f}"
            f"{r.slow:>5}{r.failed:>8}"
            f"{'' if r.done_per_second is None else f'{r.done_per_second:.1f}':>8}"
            f"{_ms(r.cpu_ms):>8}{_ms(r.db_cpu_ms):>7}{_ms(r.machine_cpu_ms):>8}"
        )
        bare = by_key.get((r.kind, r.concurrency, "bare"))
        if r.app == "nolan" and bare is not None and bare.latencies and r.latencies:
            line += (
                f"   {r.percentile(50) / bare.percentile(50):>5.1f}×"
                f" {r.percentile(99) / bare.percentile(99):>5.1f}×"
            )
        yield line


def _ms(figure: float | None) -> str:
    return "" if figure is None else f"{figure:.0f}"


def ceiling(results: list[Result], cores: int) -> Iterator[str]:
    """What the whole machine's CPU an action allows: no more actions a second than its cores'
    time over what each one spent, whatever Nolan does with the rest."""
    for r in results:
        if r.app == "nolan" and r.machine_cpu_ms:
            outside = (
                "" if r.cpu_ms is None
                else f", {r.machine_cpu_ms - r.cpu_ms - (r.db_cpu_ms or 0):.0f} of them outside "
                "Nolan and the database"
            )
            yield (
                f"{r.kind} at {r.concurrency}: the machine spent {r.machine_cpu_ms:.0f} ms of CPU "
                f"an action{outside}; {cores} cores allow at most "
                f"{cores * 1000 / r.machine_cpu_ms:.0f} a second"
            )


@contextmanager
def served(server: Any, path: str) -> Iterator[str]:
    """A waitress server run on a thread of its own while in the block; its URL at `path`."""
    thread = threading.Thread(target=_run, args=(server,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}{path}"
    finally:
        server.close()
        thread.join(timeout=5)


def _run(server: Any) -> None:
    with suppress(OSError, ValueError):
        server.run()
