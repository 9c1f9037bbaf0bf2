"""Kept so the features not yet moved can import the kinds registry from here: it lives in
bot.usecases.kinds (below the adapter, for every platform). Import it from there."""

from __future__ import annotations

from bot.usecases.kinds import HISTORY_LIMIT, Earlier, Kind, install, kind_of

__all__ = ["HISTORY_LIMIT", "Earlier", "Kind", "install", "kind_of"]
