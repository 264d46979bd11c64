"""Lab thresholds as the rules use them, read from the rule data (never written in Python).

Each rule that compares a lab result in mmol/L (``labs.potassium.mmol_per_l lt 3.5``) gives a
threshold. The thresholds of one lab cut its values into bands (below 2.5, 2.5 to under 3.0, ...),
and the cohort report counts results per band and draws each threshold on the histogram. Which
band a value equal to a threshold belongs to follows the rules: ``lt``/``gte`` put it above,
``lte``/``gt`` below.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from screener.screening.ruleset import Ruleset

_COMPARISONS = ("lt", "lte", "gt", "gte")


@dataclass(frozen=True)
class Threshold:
    value: float
    starts_upper_band: bool
    """True when a value equal to the threshold falls in the band above it (the rules use lt/gte)."""
    rules: tuple[str, ...]
    """Titles of the rules that compare against it."""


@dataclass(frozen=True)
class Band:
    label: str
    low: float | None
    high: float | None
    count: int


@dataclass(frozen=True)
class LabScale:
    """One lab's unit, plausible range and thresholds, from the ruleset."""

    lab: str
    label: str
    decimals: int
    plausible: tuple[float, float]
    thresholds: tuple[Threshold, ...]

    def band_index(self, value: float) -> int:
        return sum(1 for t in self.thresholds if value > t.value or (value == t.value and t.starts_upper_band))

    def bands(self, counts: Mapping[float, int]) -> list[Band]:
        """Counts per band, lowest first: every band, empty or not, so the table reads the same for
        every cohort."""
        tally = [0] * (len(self.thresholds) + 1)
        for value, count in counts.items():
            tally[self.band_index(value)] += count
        bands = []
        for index, count in enumerate(tally):
            below = self.thresholds[index - 1] if index > 0 else None
            above = self.thresholds[index] if index < len(self.thresholds) else None
            bands.append(
                Band(_band_label(below, above, self.number), below.value if below else None, above.value if above else None, count)
            )
        return bands

    def number(self, value: float) -> str:
        return f"{value:.{self.decimals}f}"


def _band_label(below: Threshold | None, above: Threshold | None, number: Callable[[float], str]) -> str:
    def show(threshold: Threshold) -> str:
        return number(threshold.value)

    if below is None and above is None:
        return "all values"
    if below is None:
        assert above is not None
        return f"below {show(above)}" if above.starts_upper_band else f"{show(above)} or below"
    if above is None:
        return f"{show(below)} or above" if below.starts_upper_band else f"above {show(below)}"
    start = show(below) if below.starts_upper_band else f"above {show(below)}"
    end = f"to under {show(above)}" if above.starts_upper_band else f"to {show(above)}"
    return f"{start} {end}"


def lab_scales(ruleset: Ruleset) -> list[LabScale]:
    """Every lab of the ruleset with the thresholds its rules compare it against, in mmol/L."""
    scales = []
    for lab, spec in ruleset.lab_units.items():
        fact_name = f"labs.{lab}.mmol_per_l"
        uses: dict[float, dict[str, list[str]]] = {}
        for rule in ruleset.rules:
            for leaf in rule.condition.leaves():
                if leaf.fact == fact_name and leaf.operator in _COMPARISONS:
                    by_operator = uses.setdefault(float(leaf.value), {})
                    using = by_operator.setdefault(leaf.operator, [])
                    if rule.title not in using:
                        using.append(rule.title)
        thresholds = []
        for value in sorted(uses):
            by_operator = uses[value]
            upper = sum(len(by_operator.get(op, ())) for op in ("lt", "gte"))
            lower = sum(len(by_operator.get(op, ())) for op in ("lte", "gt"))
            titles = tuple(dict.fromkeys(title for op in _COMPARISONS for title in by_operator.get(op, ())))
            thresholds.append(Threshold(value, upper >= lower, titles))
        fact = ruleset.facts.get(fact_name)
        low, high = spec["plausible_mmol_per_l"]
        scales.append(
            LabScale(
                lab=lab,
                label=fact.label if fact else lab,
                decimals=int(spec["decimals"]),
                plausible=(float(low), float(high)),
                thresholds=tuple(thresholds),
            )
        )
    return scales
