#!/usr/bin/env python3
"""Draw the Teams app's two icons once, into bot/teams/icons/ (committed as package data).

    .venv/bin/python scripts/make_teams_icons.py

- `color.png`, 192×192: a white "N" on Nolan's blue (the Slack app's background colour);
- `outline.png`, 32×32: the same "N" in white on a transparent background, as Teams asks
  for the icon it shows in its app bar (white only; transparency carries the shape).

Each is drawn four times larger and averaged down (no ringing halo), so the diagonal is
smooth. Pillow comes with matplotlib (a dependency); `python -m bot teams package` only copies
the files.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

ICONS = Path(__file__).resolve().parent.parent / "bot" / "teams" / "icons"
BLUE = (0x1D, 0x3C, 0x6E, 255)  # manifest.yml's background_color; the Teams accentColor
WHITE = (255, 255, 255)
OVERSAMPLE = 4


def letter_mask(size: int, margin: float, stroke: float) -> Image.Image:
    """An "N" as an 8-bit mask of `size` pixels: two uprights and the diagonal between them,
    `margin` and `stroke` as fractions of the size."""
    big = size * OVERSAMPLE
    m, w = round(big * margin), round(big * stroke)
    mask = Image.new("L", (big, big), 0)
    draw = ImageDraw.Draw(mask)
    draw.rectangle((m, m, m + w - 1, big - m - 1), fill=255)
    draw.rectangle((big - m - w, m, big - m - 1, big - m - 1), fill=255)
    draw.polygon([(m, m), (m + w, m), (big - m, big - m), (big - m - w, big - m)], fill=255)
    return mask.resize((size, size), Image.Resampling.BOX)


def color_icon() -> Image.Image:
    icon = Image.new("RGBA", (192, 192), BLUE)
    # Teams crops the colour icon to a rounded square: keep the letter well inside it.
    icon.paste(Image.new("RGBA", (192, 192), (*WHITE, 255)), mask=letter_mask(192, 0.27, 0.1))
    return icon


def outline_icon() -> Image.Image:
    # Every pixel white; the mask is the alpha channel (no grey fringe on a dark app bar).
    icon = Image.new("RGBA", (32, 32), (*WHITE, 0))
    icon.putalpha(letter_mask(32, 0.16, 0.16))
    return icon


def main() -> None:
    ICONS.mkdir(parents=True, exist_ok=True)
    color_icon().save(ICONS / "color.png", optimize=True)
    outline_icon().save(ICONS / "outline.png", optimize=True)
    print(f"wrote {ICONS / 'color.png'} and {ICONS / 'outline.png'}")


if __name__ == "__main__":
    main()
