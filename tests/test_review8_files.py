"""Files as people really make them (round 8, leftovers of round 7's closing note).

1. A sheet's "Not sure" (and "don't know", "?", "unsure") is the contract's ``unsure`` in every
   column that offers it (``laxative_use``, ``laxative_type``, as ``diuretic_use`` already was);
   a column without it still names the row, the column and the values it takes.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from screener.batch.readers import RawRecord, ReadItem, iter_records
from screener.batch.runner import record_entry


def read(data: bytes) -> list[ReadItem]:
    return list(iter_records(["-"], stdin=io.BytesIO(data)))


def only_record(data: bytes) -> RawRecord:
    (item,) = read(data)
    assert isinstance(item, RawRecord), item
    return item


# -- 1. "Not sure" in a sheet ----------------------------------------------------------------------


@pytest.mark.parametrize("cell", ["Not sure", "not sure", "NOT_SURE", "unsure", "Don't know", "Don\u2019t know.", "dont know", "?"])
def test_morgan_who_is_not_sure_about_laxatives_is_read_as_not_sure_in_a_clinic_sheet(cell: str, screener: Any) -> None:
    record = only_record(f"id,age,sex,laxative_use,laxative_type\nmorgan,44,female,{cell},{cell}\n".encode())
    assert not record.problems
    assert record.value["laxative_use"] == "unsure"
    assert record.value["laxative_type"] == "unsure"
    assert record_entry(record, screener)["status"] == "screened"


def test_a_not_sure_in_a_column_that_offers_no_not_sure_names_the_row_the_column_and_the_values(screener: Any) -> None:
    entry = record_entry(only_record(b"id,age,sex,diet.processed_food\nrow-7,44,female,Not sure\n"), screener)
    assert entry["status"] == "invalid"
    assert entry["id"] == "row-7"
    (error,) = entry["errors"]
    assert error["path"] == "$.diet.processed_food"
    assert "expected one of 'rarely', 'sometimes', 'most_days'" in json.dumps(error)
