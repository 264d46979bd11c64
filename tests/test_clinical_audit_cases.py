"""Spec statements that an independent audit of screening-logic v2 found unpinned elsewhere.

Each case is a person whose answers sit on a line of the spec that the other clinical files do
not reach: rounding at the edges of the plausible ranges and of the high-magnesium bands in
mEq/L, the heavy-drinking cut-off from just below, the combination name written backwards, and
"any level >= possible" read after the potassium cap for every rule that uses it.
"""

from __future__ import annotations

from typing import Any

import pytest
from result_support import codes

from screener import InvalidAnswers, ScreeningResult


def screen(screener: Any, answers: dict[str, Any]) -> ScreeningResult:
    return screener.screen(answers)



def lab(value: float, taken: str | None = "last_7_days", unit: str = "mmol/L") -> dict[str, Any]:
    out: dict[str, Any] = {"value": value, "unit": unit}
    if taken:
        out["taken"] = taken
    return out


# -- section 2: round first, then compare (the plausible ranges and the magnesium bands) --------
def test_man_with_potassium_1_45_rounds_to_1_5_and_is_screened_as_an_emergency(screener: Any) -> None:
    result = screen(screener, {"labs": {"potassium": lab(1.45)}})
    assert result.urgency == "emergency"


@pytest.mark.parametrize("value", [9.05, 9.1])
def test_woman_with_potassium_above_9_0_after_rounding_is_asked_to_check_the_unit(screener: Any, value: float) -> None:
    with pytest.raises(InvalidAnswers) as raised:
        screen(screener, {"labs": {"potassium": lab(value)}})
    (problem,) = raised.value.problems
    assert problem.path == "$.labs.potassium.value"
    assert "check the unit" in problem.message


def test_man_with_magnesium_12_16_mg_dl_is_5_00_mmol_l_plausible_and_an_emergency(screener: Any) -> None:
    result = screen(screener, {"labs": {"magnesium": lab(12.16, unit="mg/dL")}})  # 12.16 x 0.411 = 4.998
    assert result.urgency == "emergency"


@pytest.mark.parametrize(
    ("meq_per_l", "urgency"),
    [
        pytest.param(2.09, "none", id="2.09 mEq/L = 1.045, rounds to 1.05: not high"),
        pytest.param(2.11, "routine", id="2.11 mEq/L = 1.055, rounds to 1.06: recheck"),
        pytest.param(5.99, "emergency", id="5.99 mEq/L = 2.995, rounds to 3.00: emergency"),
    ],
)  # fmt: skip
def test_woman_on_milk_of_magnesia_with_magnesium_in_meq_per_l_is_banded_after_half_up_rounding(
    screener: Any, meq_per_l: float, urgency: str
) -> None:
    result = screen(
        screener, {"medications": ["Milk of Magnesia"], "labs": {"magnesium": lab(meq_per_l, unit="mEq/L")}}
    )
    assert result.urgency == urgency


# -- section 2: heavy alcohol for men starts at 28 drinks a week --------------------------------
def test_man_drinking_27_9_drinks_a_week_is_hazardous_not_heavy(screener: Any) -> None:
    result = screen(screener, {"sex": "male", "alcohol": {"drinks_per_week": 27.9}})
    assert result.risk_factors == ["hazardous_alcohol"]
    assert result.magnesium_depletion == "unlikely"  # a magnesium-loss factor alone needs a symptom


# -- medications.md: the longest match wins, whichever way round the combination is written -----
@pytest.mark.parametrize("written", ["valsartan/sacubitril", "sacubitril and valsartan", "Entresto 24 mg/26 mg"])
def test_man_on_valsartan_sacubitril_written_backwards_takes_an_arni_not_also_an_arb(
    screener: Any, written: str
) -> None:
    result = screen(screener, {"medications": [written]})
    (entry,) = result.medications_recognised
    assert [match.drug_class for match in entry.matches] == ["arni"]
    assert entry.unrecognised == []


# -- section 4: "any level >= possible" is read after the potassium cap -------------------------
# Prednisone with constipation makes potassium possible (a low-potassium factor with a fitting
# symptom); a normal potassium this week caps it, so nothing is left at "possible".
CAPPED = {"medications": ["prednisone"], "symptoms": ["constipation"], "labs": {"potassium": lab(4.2)}}


def test_woman_on_prednisone_with_constipation_and_a_normal_potassium_this_week_has_nothing_flagged(
    screener: Any,
) -> None:
    result = screen(screener, CAPPED)
    assert (result.potassium_depletion, result.urgency) == ("unlikely", "none")
    assert not {"check_magnesium_with_potassium", "food_sources"} & set(codes(result))
    uncapped = screen(screener, {**CAPPED, "labs": {"potassium": lab(4.2, "older")}})
    assert (uncapped.potassium_depletion, uncapped.urgency) == ("possible", "routine")


@pytest.mark.parametrize(
    ("extra", "urgency_capped", "urgency_uncapped"),
    [
        pytest.param({"medications": ["prednisone", "amiodarone"]}, "none", "soon", id="a QT-prolonging drug"),
        pytest.param({"conditions": ["heart_failure"]}, "none", "soon", id="heart failure"),
        pytest.param({"medications": ["prednisone", "digoxin"]}, "routine", "soon", id="digoxin"),
        pytest.param({"symptoms": ["constipation", "palpitations"]}, "soon", "urgent", id="palpitations"),
    ],
)  # fmt: skip
def test_woman_on_prednisone_with_a_normal_potassium_this_week_is_not_escalated_by_a_capped_level(
    screener: Any, extra: dict[str, Any], urgency_capped: str, urgency_uncapped: str
) -> None:
    capped = screen(screener, {**CAPPED, **extra})
    assert capped.urgency == urgency_capped
    assert "qt_drug_check" not in codes(capped)
    uncapped = screen(screener, {**CAPPED, **extra, "labs": {"potassium": lab(4.2, "older")}})
    assert uncapped.urgency == urgency_uncapped


# -- section 5: an older low result is not used, so it does not escalate digoxin ----------------
@pytest.mark.parametrize(
    "labs",
    [{"potassium": lab(3.4, "older")}, {"magnesium": lab(0.6, "older")}],
    ids=["an older low potassium", "an older low magnesium"],
)
def test_grandfather_on_digoxin_with_only_an_older_low_result_is_routine_and_asked_to_recheck(
    screener: Any, labs: dict[str, Any]
) -> None:
    result = screen(screener, {"medications": ["Lanoxin"], "labs": labs})
    assert result.urgency == "routine"
    assert any("was not used; ask for a recheck" in warning for warning in result.warnings)
