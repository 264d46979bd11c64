"""A lab result given without its unit: when it can be read all the same.

Every unit a potassium result is given in means the same number (mmol/L and mEq/L: 1 mmol of a
monovalent ion is 1 mEq; the ruleset's ``to_mmol_per_l`` factors are all 1), so a potassium
given with no unit is not ambiguous: it is read as mmol/L when the number is a plausible one
(``plausible_mmol_per_l``), with a warning asking for the unit to be checked. A magnesium's
units differ in scale (1 mmol/L = 2 mEq/L = 2.43 mg/dL): without its unit it is not read.

One reading for every way a result comes in: the answers (files, sheets, the Python API, through
``screener.screening.normalise``) and FHIR Observations (``screener.fhir.labs``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

#: The unit a result of one scale is read in when it is given without one.
READ_AS: Final = "mmol/L"

#: Why the number is read so, for a warning: "... it was read as mmol/L, <this>".
WHY_READ_AS: Final = (
    "since a {lab} result has one scale (mmol/L and mEq/L give the same number) and the number is a plausible one: "
    "check the unit with the laboratory"
)


def one_scale(spec: Mapping[str, Any]) -> bool:
    """Whether every unit a lab's result is given in means the same number (``spec`` is the
    lab's entry in the ruleset's ``lab_units``): then a number without a unit is not ambiguous."""
    factors = spec.get("to_mmol_per_l", {})
    return bool(factors) and all(float(factor) == 1.0 for factor in factors.values())


def unit_without_one(number: float, spec: Mapping[str, Any]) -> str | None:
    """The unit a result given without one is read in (``READ_AS``), or None when it cannot be
    read so: a lab of several scales (magnesium), or a number outside the plausible range."""
    plausible = spec.get("plausible_mmol_per_l")
    if not one_scale(spec) or not plausible or READ_AS not in spec.get("to_mmol_per_l", {}):
        return None
    return READ_AS if plausible[0] <= number <= plausible[1] else None


def why_read_as(lab: str) -> str:
    return WHY_READ_AS.format(lab=lab)
