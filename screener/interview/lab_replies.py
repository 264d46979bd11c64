"""A lab result as a person types it: a number and its unit ("3.1 mmol/L"), a result known only as
beyond a number ("below 3.5", "<3.5"), or only as "low" or "high" (which has no number: the
person is told what to type instead), checked against what the lab can plausibly be.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from screener.interview.answer_paths import MISSING, get_path
from screener.interview.questionnaire_items import Item, Unit
from screener.interview.reply_words import (
    ABOUT,
    NUMBER,
    ReplyError,
    check_range,
    lab_bounds,
    normalise_reply,
    number_said,
    or_list,
    squash,
    to_float,
)
from screener.screening.normalise import convert_lab


@dataclass(frozen=True)
class Quantity:
    """A number as given, with its unit; for a lab result known only as beyond a number ("below
    3.5", "<3.5"), ``bound`` says which side, as the answers file's ``below`` or ``above``."""

    number: float
    unit: Unit
    bound: str = "value"

    def words(self) -> str:
        """The number as the person would say it: "3.5", "below 3.5"."""
        return f"{self.number:g}" if self.bound == "value" else f"{self.bound} {self.number:g}"

    def stored(self) -> float | int:
        value = self.number * self.unit.multiply / self.unit.divide
        value = round(value, 2) if self.unit.converts else value
        return int(value) if float(value).is_integer() else value


# A lab result reported only as beyond a number: "below 3.5", "<3.5", "less than 3.5 mmol/L".
_BOUND = re.compile(
    r"^(?:(?:it was|it's|its)\s+)?(?:(?P<below><=?|≤|below|under|less than|lower than)|(?P<above>>=?|≥|above|over|more than|greater than|higher than))\s*"
)
# A result known only as "low" or "high", with no number: "I was told it was low".
_TOLD = re.compile(r"^(?:(?:i was |i've been |i have been |we were )?told |they said |the doctor said )?(?:(?:that )?it was |it's |its )?(?:a bit |slightly |very |too |quite )?(?P<side>low|high)(?:ish)?$")


def bound_field(item: Item, bound: str) -> str:
    """The answers field a value or a bound of a lab item fills: labs.potassium.below."""
    return item.field if bound == "value" else item.field.removesuffix("value") + bound


def given_number(item: Item, data: Mapping[str, Any]) -> tuple[Any, str]:
    """What an answers file gives for a quantity item, and which number it is: the value, or for a
    lab result known only as beyond a number, the bound (``("below", 3.5)`` read as ``(3.5,
    "below")``). ``MISSING`` when none is given."""
    value = get_path(data, item.field)
    if value is not MISSING or item.type != "quantity" or not lab_bounds(item):
        return value, "value"
    bound = next((side for side in ("below", "above") if get_path(data, bound_field(item, side)) is not MISSING), "value")
    return get_path(data, bound_field(item, bound)), bound


def _told_only(item: Item, side: str, lab_units: Mapping[str, Any] | None) -> ReplyError:
    """What to type for a result known only as "low" or "high": the answers take a number, so
    the bound of the normal range it is past (the ruleset's ``normal_mmol_per_l``)."""
    past, edge, end = ("below", "starts", 0) if side == "low" else ("above", "ends", 1)
    lab = item.plausible_lab or "lab"
    spec = (lab_units or {}).get(lab)
    if spec is None:
        typed = f"{past} and the number where the normal range {edge}"
    else:
        typed = f"{past} {spec['normal_mmol_per_l'][end]:.{spec.get('decimals', 1)}f} mmol/L"
    return ReplyError(
        f"A result known only as '{side}' has no number, and the screen needs one. If you were told your {lab} "
        f"was {side} (outside the normal range), type: {typed} (where the normal range {edge}): it counts as a "
        f"{side} {lab} result. If you have the report, type its number and unit instead, or skip if you do not know."
    )


def read_quantity(item: Item, text: str, accepts: str, lab_units: Mapping[str, Any] | None) -> Quantity:
    said = ABOUT.sub("", normalise_reply(text))
    bound = "value"
    if lab_bounds(item):
        told = _TOLD.match(said)
        if told:
            raise _told_only(item, told.group("side"), lab_units)
        side = _BOUND.match(said)
        if side:
            bound = "below" if side.group("below") else "above"
            said = said[side.end() :]
    in_words = number_said(item, said)  # "three drinks" is "3 drinks"; "none" drinks is 0
    found = NUMBER.match(in_words)
    if not found:
        raise ReplyError(f"Please type {accepts}.")
    number = to_float(found.group("number"), accepts)
    rest = squash(found.group("rest"))
    units = or_list([u.label for u in item.units])
    unit: Unit | None
    if not rest:
        if item.default_unit is None:
            raise ReplyError(f"Please add the unit, as printed on the report: {units}. For example: {item.example}.")
        unit = item.unit(item.default_unit)
    else:
        unit = next(
            (u for u in item.units if rest in {squash(u.value), squash(u.label), *map(squash, u.words)}), None
        )
    if unit is None and in_words != said:
        # A number in words and more words ("three point one mmol/L"): the words are no unit
        raise ReplyError(f"Please type {accepts}.")
    if unit is None:
        raise ReplyError(
            f"I did not recognise the unit '{found.group('rest').strip()}'. "
            f"Please use {units}, for example {item.example}."
        )
    check_range(item, number, accepts)
    quantity = Quantity(number, unit, bound)
    if item.plausible_lab and lab_units and item.plausible_lab in lab_units:
        spec = lab_units[item.plausible_lab]
        if unit.value not in spec["to_mmol_per_l"]:
            allowed = ", ".join(spec["to_mmol_per_l"])
            raise ReplyError(f"{unit.label} is not used for {item.plausible_lab}: please use {allowed}.")
        mmol = convert_lab(number, unit.value, spec)
        low, high = spec["plausible_mmol_per_l"]
        if not low <= mmol <= high:
            converted = f" (that would be {mmol:g} mmol/L)" if unit.value != "mmol/L" else ""
            raise ReplyError(
                f"{quantity.words()} {unit.label}{converted} is not a possible {item.plausible_lab} level "
                f"(possible: {low:g} to {high:g} mmol/L). Please check the number and the unit on the report."
            )
    return quantity
