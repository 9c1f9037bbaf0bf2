"""bot.stopping: a stop signal stops the main thread even when its KeyboardInterrupt is lost,
and stops `serve` cleanly whenever it comes. The signals' cases run in a process of their own
(signal handlers and the wake-up fd are the process's)."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator

import pytest

import bot.app
from bot import serve, stopping
from bot.settings import load_settings
from storage.db import Database
from tests.e2e.process import REPO


def run(body: str) -> subprocess.CompletedProcess[str]:
    script = "import os, signal, threading, time, weakref\n"
    script += "from bot.stopping import begin_stopping, stop_on_signals\n"
    script += textwrap.dedent(body)
    return subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=30
    )


def test_a_stop_signal_lost_in_a_weakref_callback_stops_the_main_thread_after_all() -> None:
    # As a lazy import's module-lock callback once swallowed systemd's SIGTERM.
    done = run(
        """
        stop_on_signals(once=True)

        class Thing:
            pass

        thing = Thing()
        def callback(_ref):
            signal.raise_signal(signal.SIGTERM)  # its KeyboardInterrupt is raised in here
        kept = weakref.ref(thing, callback)
        try:
            del thing
            print("lost", flush=True)
            threading.Event().wait(20)  # as the bot waits, in Socket Mode
            print("still waiting", flush=True)
        except KeyboardInterrupt:
            begin_stopping()
            print("stopping", flush=True)
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["lost", "stopping"]
    assert "Exception ignored" in done.stderr and "KeyboardInterrupt" in done.stderr


def test_once_stopping_later_signals_are_ignored_or_break_in_as_asked() -> None:
    for once, after in ((True, "cleaned up"), (False, "broken into")):
        done = run(
            f"""
            stop_on_signals(once={once})
            try:
                try:
                    signal.raise_signal(signal.SIGTERM)  # its handler runs before this returns
                    print("not stopped", flush=True)
                except KeyboardInterrupt:
                    begin_stopping()
                    signal.raise_signal(signal.SIGINT)  # a second Ctrl-C as it cleans up
                    print("cleaned up", flush=True)
            except KeyboardInterrupt:
                print("broken into", flush=True)
            """
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.splitlines() == [after], (once, done.stdout, done.stderr)


def test_only_a_stop_signal_is_insisted_on(monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[int] = []
    monkeypatch.setattr(signal, "pthread_kill", lambda _thread, signum: sent.append(signum))
    monkeypatch.setattr(stopping, "RETRY", 0.001)
    for heard, told in ([signal.SIGUSR1, signal.SIGCHLD], []), ([signal.SIGTERM], [signal.SIGTERM]):
        stop = stopping._Stop(once=True)
        read, write = os.pipe()
        os.write(write, bytes(heard))
        os.close(write)  # after these: the end, as a later stop_on_signals replaces the pipe
        if told:
            threading.Timer(0.05, stop.begun.set).start()  # the main thread stops at last
        insisting = threading.Thread(target=stopping._insist, args=(stop, read), daemon=True)
        insisting.start()
        insisting.join(timeout=10)
        assert not insisting.is_alive()
        assert set(sent) == set(told), heard
        sent.clear()


@pytest.fixture
def handlers_kept() -> Iterator[None]:
    """serve() takes SIGTERM, SIGINT and the wake-up fd: given back."""
    kept = {signum: signal.getsignal(signum) for signum in stopping.STOP_SIGNALS}
    fd = signal.set_wakeup_fd(-1)
    yield
    for signum, handler in kept.items():
        signal.signal(signum, handler)
    signal.set_wakeup_fd(fd)


@pytest.mark.usefixtures("handlers_kept")
def test_a_stop_before_it_serves_is_a_clean_stop(
    db: Database, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A SIGTERM as the app is built (waitress making its server, say): "Stopping", the
    outbox's worker stopped, exit 0; not a traceback and exit status 130."""
    started = []

    def interrupted(runtime: object, **_kw: object) -> None:
        started.append(runtime.outbox.start())  # type: ignore[attr-defined]
        raise KeyboardInterrupt

    monkeypatch.setattr(bot.app, "build_app", interrupted)
    secrets = {"SLACK_BOT_TOKEN": "xoxb-t", "SLACK_SIGNING_SECRET": "s", "DATABASE_URL": db.url}
    settings = load_settings(secrets, dotenv_path=None)
    caplog.set_level("INFO", logger="nolan")
    assert serve.serve(settings, db, err=io.StringIO()) == 0
    assert "Stopping" in caplog.messages
    [worker] = started
    assert worker._thread is None  # stopped
