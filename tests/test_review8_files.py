"""Files as people really make them (round 8, leftovers of round 7's closing note).

1. A sheet's "Not sure" (and "don't know", "?", "unsure") is the contract's ``unsure`` in every
   column that offers it (``laxative_use``, ``laxative_type``, as ``diuretic_use`` already was);
   a column without it still names the row, the column and the values it takes.
2. The JSON API says first the red flags of a body it refuses: a sheet with a misspelt red-flag
   column (``red_flag_now``), an array of one record (Spark's: tests/test_spark.py).
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


# -- 2. the JSON API says the red flags of a body it refuses ---------------------------------------


@pytest.fixture(scope="module")
def client() -> Any:
    from web_support import new_client

    return new_client()


@pytest.mark.parametrize("endpoint", ["screen", "validate"])
def test_noors_chest_pain_in_a_sheet_sent_to_the_api_with_a_misspelt_column_comes_first(client: Any, endpoint: str) -> None:
    body = b"id,age,red_flag_now\nnoor,50,chest pain\n"
    response = client.post(f"/api/v1/{endpoint}", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    said = response.json()
    assert list(said)[:4] == ["valid", "red_flags", "urgency", "red_flag_advice"]
    assert (said["red_flags"], said["urgency"]) == (["chest_pain"], "emergency")
    assert "Seek emergency care now" in said["red_flag_advice"]
    assert "unknown column 'red_flag_now' (did you mean 'red_flags_now'?)" in said["errors"][0]["message"]


def test_an_array_of_one_record_with_fainting_is_refused_with_its_red_flag_first(client: Any) -> None:
    body = b'[{"id": "pia", "age": 20, "red_flags_now": ["fainting"]}]'
    response = client.post("/api/v1/screen", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422
    said = response.json()
    assert said["red_flags"] == ["fainting"] and said["urgency"] == "emergency"
    assert said["errors"] == [{"path": "$", "message": "one answers object expected, not an array (`mgk-screen batch` screens many)"}]


def test_a_sheet_refused_for_another_column_has_no_red_flags_to_say(client: Any) -> None:
    response = client.post("/api/v1/validate", content=b"id,agee\nx,50\n", headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert "red_flags" not in response.json()
