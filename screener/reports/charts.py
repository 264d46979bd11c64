"""Charts for the cohort report: matplotlib figures as inline SVG, each with a title and a
description that a screen reader announces (``role="img"``, ``<title>``, ``<desc>``).

Figures are built with ``matplotlib.figure.Figure`` and never through pyplot, so no GUI backend
is chosen and a notebook's own backend is left alone (rendering is Agg-style, off screen). Text
stays text in the SVG (``svg.fonttype: none``): smaller, sharp at any zoom, and searchable. The
report shows every chart beside a table of the same numbers, so nothing depends on the picture.
"""

from __future__ import annotations

import html
import io
import re
import textwrap
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from screener.reports.thresholds import LabScale

#: Colours that stay apart for the common colour-vision differences; every bar is also labelled.
LEVEL_COLOURS = {"likely": "#b2182b", "possible": "#ef8a3c", "unlikely": "#4d9a6a", "too few answers": "#6a51a3", "not recorded": "#9e9e9e"}
URGENCY_COLOURS = {
    "emergency": "#67001f",
    "urgent": "#b2182b",
    "soon": "#ef8a3c",
    "routine": "#2c7bb6",
    "none": "#8c8c8c",
    "not screened": "#6a51a3",
}
COVERAGE_COLOURS = {"full": "#4d9a6a", "partial": "#ef8a3c", "none": "#b2182b", "not recorded": "#9e9e9e"}
_BAR = "#2c7bb6"
_RED_FLAG = "#b2182b"
_INK = "#222222"
_FONTS = ["DejaVu Sans", "Arial", "Helvetica"]  # DejaVu ships with matplotlib: always found first
_MOST_BINS = 160
_WIDTH_INCHES = 5.2  # with 11 pt text: about 16 px beside a table at 1280 px, 11 px full width on a phone
_LABEL_WIDTH = 26  # characters on a line of a bar's label (wrapped, never cut), a third of the chart's width
_ROW_INCHES = 0.32  # a bar with a one-line label
_LINE_INCHES = 0.16  # each further line of its label


@dataclass(frozen=True)
class Chart:
    """An SVG chart with its accessible name and description."""

    key: str
    title: str
    description: str
    svg: str


def _style() -> Any:  # matplotlib types rc keys as literals
    return {
        "svg.fonttype": "none",
        "svg.hashsalt": "mgk-screen",  # stable ids from one run to the next
        "font.family": "sans-serif",
        "font.sans-serif": _FONTS,
        "font.size": 11,
        "axes.edgecolor": "#555555",
        "axes.labelcolor": _INK,
        "xtick.color": _INK,
        "ytick.color": _INK,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }


def _figure(height_inches: float) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(_WIDTH_INCHES, height_inches), layout="constrained")


def _svg(figure: Any, key: str, title: str, description: str) -> Chart:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return Chart(key, title, description, _inline(buffer.getvalue(), key, title, description))


def _inline(svg: str, key: str, title: str, description: str) -> str:
    """matplotlib's SVG made fit to sit in an HTML page among others: no XML prolog, ids
    prefixed with the chart's key (every chart has a ``patch_1``), scaled by CSS through its
    viewBox, and named for assistive technology."""
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{key}-\1"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{key}-\1)", svg)
    svg = re.sub(r'href="#([^"]+)"', rf'href="#{key}-\1"', svg)
    opening_end = svg.index(">")
    opening = svg[:opening_end]
    opening = re.sub(r'\s(width|height)="[^"]*"', "", opening)
    title_id, desc_id = f"{key}-title", f"{key}-desc"
    opening += f' role="img" aria-labelledby="{title_id} {desc_id}" class="chart-svg"'
    named = f'<title id="{title_id}">{html.escape(title)}</title><desc id="{desc_id}">{html.escape(description)}</desc>'
    return opening + ">" + named + svg[opening_end + 1 :].strip()


def _counts_text(labels: Sequence[str], counts: Sequence[int], total: int) -> str:
    return "; ".join(f"{label}: {count:,} ({percent(count, total)})" for label, count in zip(labels, counts, strict=True))


def percent(count: int, total: int) -> str:
    if total <= 0:
        return "0%"
    share = 100 * count / total
    if 0 < share < 0.1:
        return "under 0.1%"
    return f"{share:.1f}%" if share < 10 and not share.is_integer() else f"{share:.0f}%"


#: The narrowest segment of a level bar (% of the records) that is labelled with its level and
#: share, and the narrowest labelled with its share alone; narrower ones are left to the table.
_NAMED_SHARE = 18
_SHARE_SHOWN = 6


def stacked_levels(key: str, title: str, rows: Mapping[str, Mapping[str, int]], order: Sequence[str], total: int) -> Chart:
    """One horizontal bar per scale (combined, magnesium, potassium), split by level."""
    import matplotlib
    import matplotlib.ticker

    with matplotlib.rc_context(_style()):
        figure = _figure(0.6 + 0.7 * len(rows))  # a bar tall enough for its two lines of text ("likely", "24%")
        axes = figure.add_subplot()
        names = list(rows)
        for index, name in enumerate(reversed(names)):
            left = 0.0
            for level in order:
                count = rows[name].get(level, 0)
                if not count:
                    continue
                share = 100 * count / total if total else 0
                axes.barh(index, share, left=left, color=LEVEL_COLOURS.get(level, _BAR), edgecolor="white", height=0.72)
                if share >= _NAMED_SHARE:
                    axes.text(left + share / 2, index, f"{level}\n{percent(count, total)}", ha="center", va="center", color="white", fontsize=9.5)
                elif share >= _SHARE_SHOWN:  # too narrow for its level's name (the legend has the colour): its share
                    axes.text(left + share / 2, index, percent(count, total), ha="center", va="center", color="white", fontsize=8.5)
                left += share
        axes.set_yticks(range(len(names)), list(reversed(names)))
        axes.set_xlim(0, 100)
        axes.set_xlabel("% of screened records")
        handles = [matplotlib.patches.Patch(color=LEVEL_COLOURS.get(level, _BAR), label=level) for level in order]
        # Four levels ("too few answers" beside the three) do not fit on one line of the page's width.
        columns = len(order) if len(order) <= 3 else (len(order) + 1) // 2
        axes.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=columns, frameon=False)
        description = ". ".join(
            f"{name}: " + _counts_text(order, [rows[name].get(level, 0) for level in order], total) for name in names
        )
        return _svg(figure, key, title, description)


def bars(
    key: str,
    title: str,
    labels: Sequence[str],
    counts: Sequence[int],
    total: int,
    *,
    colours: Sequence[str] | None = None,
    axis_label: str = "records",
) -> Chart:
    """Horizontal bars, first label at the top, each with its count and share written at its end."""
    import matplotlib
    import matplotlib.ticker

    shown = chart_labels(labels)
    # Each bar gets the room of its label: one row, and half a row more for each further line.
    rows = [1 + (_LINE_INCHES / _ROW_INCHES) * label.count("\n") for label in shown]
    with matplotlib.rc_context(_style()):
        figure = _figure(0.7 + _ROW_INCHES * max(sum(rows), 1))
        axes = figure.add_subplot()
        positions = [sum(rows[index + 1 :]) + rows[index] / 2 for index in range(len(rows))]
        axes.barh(positions, counts, color=list(colours) if colours else _BAR, height=0.7)
        top = max(counts, default=0) or 1
        for position, count in zip(positions, counts, strict=True):
            axes.text(count + top * 0.01, position, f"{count:,} ({percent(count, total)})", va="center", fontsize=9.5, color=_INK)
        axes.set_yticks(positions, shown)
        if rows:
            axes.set_ylim(0, sum(rows))
        # Room at the bars' end for the longest count and share ("1,700,000 (33%)"), about 2.5% of the axis a character.
        longest = max((len(f"{count:,} ({percent(count, total)})") for count in counts), default=0)
        axes.set_xlim(0, top * max(1.3, 1 + 0.025 * longest))
        axes.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(nbins=4 if top >= 100_000 else 5, integer=True))
        # Whole numbers with thousands separators: matplotlib would write "1.5" under a "1e6" at the axis' end.
        axes.xaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))
        axes.set_xlabel(axis_label)
        if not labels:
            axes.text(0.5, 0.5, "none in this cohort", ha="center", va="center", transform=axes.transAxes)
        return _svg(figure, key, title, _counts_text(labels, counts, total) if labels else "None in this cohort.")


def lab_histogram(key: str, title: str, scale: LabScale, counts: Mapping[float, int]) -> Chart:
    """Lab values (mmol/L, as the rules used them) with a dashed line at each rule threshold,
    drawn between the last value below it and the first value at or above it."""
    import matplotlib
    import matplotlib.ticker

    step = 10.0 ** -scale.decimals
    values = sorted(counts)
    points = values + [t.value for t in scale.thresholds]
    # A margin of a few percent of the axis: two steps alone (0.02 mmol/L of magnesium on an axis
    # of 2.5) put the lowest bar against the axis line, where it could not be told from it.
    pad = max(2 * step, 0.04 * (max(points, default=0.0) - min(points, default=0.0)))
    low = max(scale.plausible[0], min(points, default=scale.plausible[0]) - pad)
    high = min(scale.plausible[1], max(points, default=scale.plausible[1]) + pad)
    multiple = _bin_multiple(step, high - low)
    width = step * multiple
    with matplotlib.rc_context(_style()):
        figure = _figure(2.8)
        axes = figure.add_subplot()
        if multiple == 1:  # one bar per value the rules can see
            axes.bar(values, [counts[value] for value in values], width=step * 0.85, color=_BAR)
            heights = [counts[value] for value in values]
        else:  # bins of several values, edges half a step off the values so none sits on an edge
            origin = low - step / 2
            binned: dict[int, int] = {}
            for value in values:
                index = int((value - origin) // width)
                binned[index] = binned.get(index, 0) + counts[value]
            heights = list(binned.values())
            axes.bar([origin + index * width for index in binned], heights, width=width * 0.9, align="edge", color=_BAR)
        top = max(heights, default=0) or 1
        places = [t.value - step / 2 if t.starts_upper_band else t.value + step / 2 for t in scale.thresholds]
        names = [scale.number(t.value) for t in scale.thresholds]
        rows = _label_rows(places, [len(name) for name in names], (low - step, high + step))
        reach = _character_width((low - step, high + step)) * (max((len(name) for name in names), default=0) + 2)
        # Each line ends under its own label, which sits on it like a flag: a line running on to the
        # top of the chart went past the labels of the thresholds beside it, so that 0.50, 0.60 and
        # 0.70 mmol/L of magnesium read as labels struck through and run together.
        # A label with a higher one just to its right (a staircase of thresholds close together)
        # ends at its line instead of being centred on it, clear of the next line up.
        ceiling = top * (1.3 + 0.14 * max(rows, default=0))
        for at, name, row in zip(places, names, rows, strict=True):
            label_at = top * (1.12 + 0.14 * row)
            crowded = any(row < other_row and at < other <= at + reach for other, other_row in zip(places, rows, strict=True))
            axes.axvline(at, ymax=label_at / ceiling, color=_RED_FLAG, linestyle="--", linewidth=1, zorder=2)
            axes.text(
                at, label_at, name, ha="right" if crowded else "center", va="bottom", fontsize=9, color=_RED_FLAG,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.5}, zorder=5,
            )
        axes.set_ylim(0, ceiling)
        axes.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(nbins=5, integer=True))
        axes.set_xlim(low - step, high + step)
        axes.set_xlabel(f"{scale.label} (mmol/L, as used by the rules)")
        axes.set_ylabel("results")
        if not values:
            axes.text(0.5, 0.5, "no results in this cohort", ha="center", va="center", transform=axes.transAxes)
        total = sum(counts.values())
        thresholds = ", ".join(scale.number(t.value) for t in scale.thresholds)
        description = (
            f"{total:,} {scale.label} results used, from {scale.number(values[0])} to {scale.number(values[-1])} mmol/L; "
            f"rule thresholds at {thresholds} mmol/L."
            if values
            else f"No {scale.label} results in this cohort; rule thresholds at {thresholds} mmol/L."
        )
        return _svg(figure, key, title, description)


def _label_rows(places: Sequence[float], lengths: Sequence[int], limits: tuple[float, float]) -> list[int]:
    """The row (0 the lowest) of each threshold's label above the chart: a label that would touch
    the one before it goes a row higher, so that thresholds close together (0.50 and 0.70 mmol/L of
    magnesium on an axis of 5) read as two numbers and not as "0.50.70"."""
    per_character = _character_width(limits)
    ends: list[float] = []  # where the last label of each row ends
    rows = []
    for place, length in sorted(zip(places, lengths, strict=True)):
        half = per_character * (length + 1) / 2
        row = next((index for index, end in enumerate(ends) if place - half > end), len(ends))
        ends[row:row + 1] = [place + half]
        rows.append(row)
    order = sorted(range(len(places)), key=lambda index: places[index])
    placed = [0] * len(places)
    for index, row in zip(order, rows, strict=True):
        placed[index] = row
    return placed


def _character_width(limits: tuple[float, float]) -> float:
    """About how wide a character of a 9 pt label is, in the axis's units (0.6 em, over a plot
    about 0.7 of the figure's width: 0.8 let "0.50" touch "0.60" beside it)."""
    return (limits[1] - limits[0]) * 9 * 0.6 / (_WIDTH_INCHES * 72 * 0.7)


def _bin_multiple(step: float, span: float) -> int:
    """How many of the rules' steps (0.1 for potassium, 0.01 for magnesium) go in one bar."""
    for multiple in (1, 2, 5, 10, 20, 50, 100):
        if span / (step * multiple) <= _MOST_BINS:
            return multiple
    return 1000


def chart_labels(labels: Sequence[str], width: int = _LABEL_WIDTH) -> list[str]:
    """Axis labels: each without its explanation in brackets (the table beside the chart has it),
    whole, wrapped onto lines of about ``width`` characters (never cut short: "A medicine that
    can make the kidneys lose magnesium" and "... magnesium and potassium" are told apart by
    their last words), and never two alike (numbered if they are: the table says which is which)."""
    bare = [_without_brackets(label) for label in labels]
    alike = Counter(bare)
    seen: Counter[str] = Counter()
    out = []
    for label in bare:
        seen[label] += 1
        whole = f"{label} ({seen[label]})" if alike[label] > 1 else label
        out.append("\n".join(_balanced(whole, width)))
    return out


def _balanced(label: str, width: int) -> list[str]:
    """The label on as few lines of at most ``width`` characters as it takes (a longer word on a
    line of its own), the lines as even as they can be: "A water pill of / unknown type", not
    "A water pill of unknown / type"."""
    lines = textwrap.wrap(label, width, break_long_words=False, break_on_hyphens=False) or [label]
    for narrower in range(-(-len(label) // len(lines)), width):
        even = textwrap.wrap(label, narrower, break_long_words=False, break_on_hyphens=False)
        if len(even) == len(lines):
            return even
    return lines


def _without_brackets(label: str) -> str:
    return re.sub(r"\s*\([^)]*\)", "", label).strip() or label
