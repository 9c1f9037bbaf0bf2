"""The garbage collector at start-up. Starting Nolan loads about 10^5 objects that live as
long as the process (modules, classes, SQLAlchemy's and pydantic's models, the app); the
collector's full passes over them found nothing to free, and each took about 100 ms of the
interpreter, holding every thread: twice during start-up, and again now and then while
requests were answered. `python -m bot` turns it off while it starts (bot.__main__); once
started, `settle` sets what is loaded aside (gc.freeze: never scanned again) and turns it back
on for what the process makes from then on."""

from __future__ import annotations

import gc


def settle() -> None:
    """Start-up is over: freeze what it loaded and collect from here on. Only where start-up
    turned the collector off: a caller that kept it on (a test, an embedding) is left as it
    is."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()
