"""The unit of a FHIR lab result: which unit of the answers a Quantity's UCUM code or unit text
names, and by what its number is divided to be in it.

A UCUM code decides; the displayed unit is read only when there is no UCUM code. A UCUM
annotation in braces (``mmol/L{serum}``) means nothing for the unit and is left out; a plain scale
of a unit the answers take (``mg/L``, ``umol/L``) is read with its divisor.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

from screener.fhir.mapping import UCUM, FhirContext, UnitCode


def divided(number: float, divisor: int) -> float:
    """A number divided exactly, as written in decimals (18 mg/L is 1.8 mg/dL, not 1.7999...)."""
    return float(Decimal(str(number)) / divisor)


def written_unit(quantity: Mapping[str, Any], key: str) -> str:
    """The unit as the result writes it, without its annotation (``mg/L``)."""
    text = quantity.get(key)
    return ANNOTATION.sub("", text).strip() if isinstance(text, str) else ""


def no_unit_given(quantity: Mapping[str, Any]) -> bool:
    """Whether a quantity says no unit at all (no code, no unit text)."""
    return not any(isinstance(quantity.get(key), str) and quantity[key].strip() for key in ("code", "unit"))


def usable_unit(quantity: Mapping[str, Any], lab: str, context: FhirContext) -> tuple[UnitCode | None, str, int]:
    """The unit of a result when it is one the lab's question takes, the element it was read
    from, and what its number is divided by to be in that unit (10 for mg/L read as mg/dL)."""
    item = context.questionnaire.item(context.mapping.labs[lab]["item"])
    unit, key, divisor = unit_of(quantity, context)
    return (unit if unit is not None and unit.value in {allowed.value for allowed in item.units} else None), key, divisor


#: UCUM units that are a plain scale of one the answers take: (that unit, what the number is
#: divided by). French labs report magnesium in mg/L; some labs give micromoles.
SCALED_UNITS: Final[Mapping[str, tuple[str, int]]] = {"mg/L": ("mg/dL", 10), "umol/L": ("mmol/L", 1000)}
#: A UCUM annotation ("{serum}"), which UCUM defines as meaning nothing for the unit.
ANNOTATION: Final = re.compile(r"\{[^{}]*\}")


def unit_of(quantity: Mapping[str, Any], context: FhirContext) -> tuple[UnitCode | None, str, int]:
    """The unit of a quantity, the element it was read from, and the divisor of its number (1,
    or 10 and 1000 for a scale of a unit the answers take: ``SCALED_UNITS``). A UCUM code
    decides; the displayed unit is read only when there is no UCUM code (none, or another
    system's). An annotation in braces (``mmol/L{serum}``) is left out."""
    mapping = context.mapping
    code, unit = quantity.get("code"), quantity.get("unit")
    system = mapping.system(quantity.get("system"))
    if isinstance(code, str) and code.strip() and system in (UCUM, None):
        found, divisor = unit_for_text(code, context)
        if found is not None or system == UCUM or not isinstance(unit, str):
            return found, "code", divisor
    if isinstance(unit, str) and unit.strip():
        found, divisor = unit_for_text(unit, context)
        return found, "unit", divisor
    return None, "code" if "code" in quantity else "unit", 1


def unit_for_text(text: str, context: FhirContext) -> tuple[UnitCode | None, int]:
    found = context.mapping.unit_for_text(text)
    if found is not None:
        return found, 1
    plain = ANNOTATION.sub("", text).strip()
    if plain and plain != text.strip():
        found = context.mapping.unit_for_text(plain)
        if found is not None:
            return found, 1
    folded = plain.replace("µ", "u").replace("μ", "u").lower()  # micro sign, Greek mu
    scaled = next((scale for written, scale in SCALED_UNITS.items() if written.lower() == folded), None) if plain else None
    if scaled is not None and (found := context.mapping.units.get(scaled[0])) is not None:
        return found, scaled[1]
    return None, 1
