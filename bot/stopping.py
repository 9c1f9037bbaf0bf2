"""SIGTERM (systemd, docker stop) and Ctrl-C stop a serving process as a KeyboardInterrupt in
its main thread, raised again until the main thread says it is stopping.

A signal's handler runs wherever the main thread happens to be, and Python drops an exception
raised where it cannot propagate — a weakref callback, a `__del__` — printing "Exception
ignored in". A SIGTERM that landed in importlib's module-lock callback, as a lazy import ran,
was lost that way, and the bot served on until systemd's SIGKILL.
"""

from __future__ import annotations

import os
import signal
import threading

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)

# Seconds the main thread has to reach its stopping code before it is interrupted again.
RETRY = 1.0


class _Stop:
    def __init__(self, *, once: bool) -> None:
        self.once = once
        self.begun = threading.Event()


_stop = _Stop(once=False)
_ours: set[int] = set()  # the write ends handed to set_wakeup_fd


def _on_signal(_signum: int, _frame: object) -> None:
    # Nothing here may take a lock: the handler runs inside whatever the main thread runs.
    if _stop.begun.is_set() and _stop.once:
        return  # stopping already: nothing to break into
    raise KeyboardInterrupt


def _insist(stop: _Stop, heard: int) -> None:
    # The interpreter writes each signal's number here as it arrives, before any handler.
    while not set(got := os.read(heard, 64)) & set(STOP_SIGNALS):
        if not got:  # replaced by a later stop_on_signals
            os.close(heard)
            return
    main = threading.main_thread().ident
    assert main is not None
    while not stop.begun.wait(RETRY):
        # A real signal to the main thread: it wakes a wait that a flag alone would not.
        signal.pthread_kill(main, signal.SIGTERM)


def stop_on_signals(*, once: bool) -> None:
    """From now on SIGTERM and SIGINT raise KeyboardInterrupt in the main thread until it
    calls `begin_stopping()`. `once`: signals after that are ignored (several processes of
    one bot are each signalled: by the parent that forwards, and by systemd or a terminal);
    else a second one breaks into the clean-up, as a second Ctrl-C does."""
    global _stop
    _stop.begun.set()  # an earlier call's thread, if insisting, stops
    _stop = _Stop(once=once)
    heard, told = os.pipe()
    os.set_blocking(told, False)
    earlier = signal.set_wakeup_fd(told, warn_on_full_buffer=False)
    if earlier in _ours:
        _ours.discard(earlier)
        os.close(earlier)
    _ours.add(told)
    for signum in STOP_SIGNALS:
        signal.signal(signum, _on_signal)
    threading.Thread(target=_insist, args=(_stop, heard), name="nolan-stop", daemon=True).start()


def begin_stopping() -> None:
    """The main thread has begun to stop: the interrupt landed."""
    _stop.begun.set()
