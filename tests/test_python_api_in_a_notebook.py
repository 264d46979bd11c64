"""The Python API as a data scientist meets it in a notebook: what is wrong with an input is said
in one clear exception, never a traceback from deep inside."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from screener import InvalidAnswers, Screener

ROOT = Path(__file__).resolve().parent.parent
PERSONAS = ROOT / "examples" / "personas"


def persona(name: str) -> dict[str, Any]:
    answers: dict[str, Any] = json.loads((PERSONAS / f"{name}.json").read_text("utf-8"))
    return answers


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"age": np.int64(70)}, "$.age: expected a whole number, got numpy.int64 70, which is not a JSON value"),
        ({"medications": np.array(["Lasix"])}, "$.medications: expected an array, got numpy.ndarray ['Lasix'], which is not a JSON value"),
        ({"diarrhea": {"present": np.bool_(True)}}, "$.diarrhea.present: expected true or false, got numpy.bool True, which is not"),
        ({"age": float("nan")}, "$.age: expected a whole number, got NaN (for 'not answered', leave the field out or give null"),
        ({"alcohol": {"drinks_per_week": float("nan")}}, "$.alcohol.drinks_per_week: expected a number, got NaN (for 'not answered'"),
    ],
    ids=["numpy-int", "numpy-array", "numpy-bool", "nan-age", "nan-drinks"],
)
def test_values_from_a_dataframe_are_named_in_a_clear_error(screener: Screener, answers: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidAnswers) as raised:
        screener.screen(answers)
    assert message in str(raised.value)


def test_the_readmes_way_from_a_dataframe_with_missing_cells_screens_each_row(screener: Screener) -> None:
    frame = pd.DataFrame([{"id": "a", "age": 72, "medications": ["Lasix"]}, {"id": "b", "age": None, "medications": None}])
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    results = [screener.screen(record) for record in records]
    assert [result.coverage for result in results] == ["partial", "none"]


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        ("2025-06-30", "expected a datetime.date, got str: date.fromisoformat(text)"),
        (datetime(2025, 6, 30, 10), "expected a datetime.date, got datetime: as_of.date() gives date(2025, 6, 30)"),
    ],
)
def test_a_reference_date_that_is_no_date_is_refused_when_the_screener_is_made(as_of: Any, message: str) -> None:
    with pytest.raises(TypeError, match=re.escape(message)):
        Screener(as_of=as_of)


def test_a_screener_is_made_from_a_rule_folders_path(screener: Screener) -> None:
    assert Screener(str(ROOT / "rules")).ruleset.sha256 == screener.ruleset.sha256
    assert Screener(ROOT / "rules", as_of=date(2025, 6, 30)).as_of == date(2025, 6, 30)
    with pytest.raises(TypeError, match="expected a Ruleset"):
        Screener(5)  # type: ignore[arg-type]
