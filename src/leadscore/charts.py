"""Bar charts as inline SVG, for a report that must open without internet (no JS chart library, no CDN).

Every bar is a `<rect class="mark">` carrying its series, category and value as data attributes, so a
browser check can count the marks drawn and a test can read the plotted numbers back.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

WIDTH = 880
HEIGHT = 320
LEFT, RIGHT, TOP = 70, 20, 16
AXIS_COLOR = "#555"
GRID_COLOR = "#e3e3e3"


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]  # one per category; None draws nothing
    color: str


@dataclass(frozen=True)
class Reference:
    """A dashed horizontal line, e.g. the base conversion rate."""
    value: float
    label: str


def ticks(top: float) -> list[float]:
    """0 up to the first round step (1, 2, 2.5 or 5 times a power of ten) at or above `top`, about 4 steps."""
    if top <= 0:
        return [0.0, 1.0]
    magnitude = 10 ** math.floor(math.log10(top / 4))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= top / 4)
    return [i * step for i in range(math.ceil(top / step - 1e-9) + 1)]


def bar_chart(
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    x_label: str,
    y_label: str,
    fmt: Callable[[float], str],
    stacked: bool = False,
    reference: Reference | None = None,
) -> tuple[str, int]:
    """The SVG of a grouped (or stacked) vertical bar chart, and how many bars it draws.

    Stacked charts leave out zero segments; grouped charts draw a zero as a flat bar (a mark of height 0).
    """
    rotate = len(categories) > 12 or max(len(c) for c in categories) > 10
    bottom = 130 if rotate else 56
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - bottom
    heights = [
        sum(s.values[i] or 0 for s in series) if stacked else max((s.values[i] or 0) for s in series)
        for i in range(len(categories))
    ]
    grid = ticks(max([*heights, reference.value if reference else 0]))
    y_max = grid[-1]

    def y(value: float) -> float:
        return TOP + plot_h * (1 - value / y_max)

    parts = [
        f'<svg role="img" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'font-family="sans-serif" font-size="11">'
    ]
    for tick in grid:
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="{GRID_COLOR}"/>'
            f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{escape(fmt(tick))}</text>'
        )
    slot = plot_w / len(categories)
    bar_w = slot * 0.8 / (1 if stacked else len(series))
    marks = 0
    for i, category in enumerate(categories):
        x0 = LEFT + i * slot + slot * 0.1
        base = 0.0
        for j, s in enumerate(series):
            value = s.values[i]
            if value is None or (stacked and value == 0):
                continue
            low, high = (base, base + value) if stacked else (0.0, value)
            x = x0 if stacked else x0 + j * bar_w
            parts.append(
                f'<rect class="mark" x="{x:.1f}" y="{y(high):.1f}" width="{bar_w:.1f}" '
                f'height="{y(low) - y(high):.1f}" fill="{s.color}" data-series="{escape(s.name)}" '
                f'data-category="{escape(category)}" data-value="{value}">'
                f"<title>{escape(s.name)}, {escape(category)}: {escape(fmt(value))}</title></rect>"
            )
            base = high if stacked else base
            marks += 1
        cx, label_y = LEFT + (i + 0.5) * slot, HEIGHT - bottom + 14
        transform = f' transform="rotate(-40 {cx:.1f} {label_y})" text-anchor="end"' if rotate else ' text-anchor="middle"'
        parts.append(f'<text x="{cx:.1f}" y="{label_y}"{transform}>{escape(category)}</text>')
    if reference:
        ry = y(reference.value)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{ry:.1f}" y2="{ry:.1f}" stroke="#222" '
            f'stroke-dasharray="5 4"/><text x="{WIDTH - RIGHT - 4}" y="{ry - 5:.1f}" text-anchor="end">'
            f"{escape(reference.label)}</text>"
        )
    parts.append(
        f'<line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{y(0):.1f}" stroke="{AXIS_COLOR}"/>'
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(0):.1f}" y2="{y(0):.1f}" stroke="{AXIS_COLOR}"/>'
        f'<text x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT - 6}" text-anchor="middle" font-weight="bold">'
        f"{escape(x_label)}</text>"
        f'<text transform="rotate(-90 16 {TOP + plot_h / 2:.1f})" x="16" y="{TOP + plot_h / 2:.1f}" '
        f'text-anchor="middle" font-weight="bold">{escape(y_label)}</text></svg>'
    )
    return "".join(parts), marks
