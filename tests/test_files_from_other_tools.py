"""Answers files as other tools write them (Excel, Google Sheets, pandas, R, polars, DuckDB):
each is read as the same answers as the equivalent JSON, or refused with a message naming the
file, the row and the column; never a traceback, never a row lost for its neighbour's fault.

The files are made the way those tools make them: by pandas itself, or with the column types
and layouts the others write (pyarrow types for polars and DuckDB, bytes for R and Excel).
"""

from __future__ import annotations

import io
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from screener.batch.csv_answers import write_answers_csv
from screener.batch.readers import RawRecord, ReadItem, UnreadableSource, iter_records
from screener.batch.runner import record_entry


def read_file(path: Path) -> list[ReadItem]:
    return list(iter_records([str(path)]))


def read_bytes(data: bytes) -> list[ReadItem]:
    return list(iter_records(["-"], stdin=io.BytesIO(data)))


def entries(items: list[ReadItem], screener: Any) -> list[dict[str, Any]]:
    return [record_entry(item, screener) for item in items]  # type: ignore[arg-type]


# ------------------------------------------------------------------------------ Parquet


def test_a_duckdb_parquet_with_uuid_ids_is_read_with_the_ids_as_text(tmp_path: Path, screener) -> None:  # type: ignore[no-untyped-def]
    ids = [uuid.UUID("bc50f597-6b69-47a4-9896-afbb707b2d9e"), uuid.UUID("0b7e6f53-2c64-4d8e-9a55-8f5b1b8e0c11")]
    table = pa.table({"id": pa.array([one.bytes for one in ids], pa.uuid()), "age": pa.array([72, 30], pa.int32())})
    path = tmp_path / "duckdb.parquet"
    pq.write_table(table, path)
    screened = entries(read_file(path), screener)
    assert [(entry["status"], entry["id"]) for entry in screened] == [("screened", str(one)) for one in ids]


def test_a_date_where_a_code_belongs_makes_its_row_invalid_naming_the_codes(tmp_path: Path, screener) -> None:  # type: ignore[no-untyped-def]
    # A lab's date (DuckDB DATE, a pandas timestamp) in the column that says how recent it is.
    table = pa.table(
        {
            "id": ["dated", "coded"],
            "labs.potassium.value": [3.1, 3.1],
            "labs.potassium.unit": ["mmol/L", "mmol/L"],
            "labs.potassium.taken": pa.array([date(2026, 1, 2), None], pa.date32()),
        }
    )
    path = tmp_path / "dated.parquet"
    pq.write_table(table, path)
    dated, coded = entries(read_file(path), screener)
    assert dated["errors"] == [
        {
            "path": "$.labs.potassium.taken",
            "message": 'a date ("2026-01-02") is not read here, since the answers do not say the day of the screening: '
            "write how long before the screening the sample was taken, last_7_days, last_30_days or older "
            "(or leave it empty if not known)",
        }
    ]
    assert coded["status"] == "screened"


def test_a_pandas_parquet_with_its_index_column_is_read_as_answers(tmp_path: Path, screener) -> None:  # type: ignore[no-untyped-def]
    import pandas as pd

    frame = pd.DataFrame({"id": ["rita", "sam", "ann"], "age": [72, 30, 54], "diuretic_use": ["yes", None, "no"]})
    kept = frame[frame.age > 40]  # rows filtered out: pandas writes the index as __index_level_0__
    path = tmp_path / "pandas.parquet"
    kept.to_parquet(path)
    assert "__index_level_0__" in pq.read_schema(path).names
    screened = entries(read_file(path), screener)
    assert [(entry["status"], entry["id"], entry["position"]) for entry in screened] == [
        ("screened", "rita", 1),
        ("screened", "ann", 2),
    ]


def test_a_pandas_index_that_is_an_answers_column_is_read_as_that_column(tmp_path: Path, screener) -> None:  # type: ignore[no-untyped-def]
    import pandas as pd

    path = tmp_path / "by_id.parquet"
    pd.DataFrame({"id": ["rita", "sam"], "age": [72, 30]}).set_index("id").to_parquet(path)
    assert [entry["id"] for entry in entries(read_file(path), screener)] == ["rita", "sam"]


# ------------------------------------------------------------------------------ CSV


def test_a_pandas_csv_with_its_index_column_is_read_as_answers(tmp_path: Path, screener) -> None:  # type: ignore[no-untyped-def]
    import pandas as pd

    path = tmp_path / "pandas.csv"
    frame = pd.DataFrame({"id": ["rita", "sam"], "age": [72, 30], "symptoms": ["muscle_cramps; fatigue", "none"]})
    frame.to_csv(path)  # the index first, under an empty header cell
    screened = entries(read_file(path), screener)
    assert [(entry["status"], entry["id"], entry["position"]) for entry in screened] == [
        ("screened", "rita", 2),
        ("screened", "sam", 3),
    ]
    # Read back by pandas and written again, the index is a column named 'Unnamed: 0'.
    again = tmp_path / "again.csv"
    pd.read_csv(path).to_csv(again, index=False)
    assert again.read_text().startswith("Unnamed: 0,")
    assert [entry["status"] for entry in entries(read_file(again), screener)] == ["screened", "screened"]


def test_an_r_write_csv_sheet_with_row_names_is_read_as_answers(screener) -> None:  # type: ignore[no-untyped-def]
    data = b'"","id","age","diarrhea.present"\n"1","rita",72,TRUE\n"2","sam",30,FALSE\n'
    screened = entries(read_bytes(data), screener)
    assert [(entry["status"], entry["id"]) for entry in screened] == [("screened", "rita"), ("screened", "sam")]


def test_a_value_under_an_unnamed_column_after_the_first_still_makes_its_row_invalid(screener) -> None:  # type: ignore[no-untyped-def]
    # Only the first column can be a tool's row index; elsewhere a value without a name is a fault.
    screened = entries(read_bytes(b"id,,age\nrita,,72\nsam,stray,30\n"), screener)
    assert [entry["status"] for entry in screened] == ["screened", "invalid"]
    assert screened[1]["errors"] == [{"path": "$", "message": 'a value in column 2, which has no name in the header row: "stray"'}]


def test_a_pandas_unnamed_column_after_the_first_is_an_unknown_column() -> None:
    (problem,) = read_bytes(b"id,Unnamed: 1\nrita,0\n")
    assert isinstance(problem, UnreadableSource) and "unknown column 'Unnamed: 1'" in problem.message


def test_na_as_r_writes_a_missing_value_is_not_answered(screener) -> None:  # type: ignore[no-untyped-def]
    data = (
        b'"id","age","medications","diuretic_use","alcohol.drinks_per_week","diarrhea.present","symptoms"\n'
        b'"sam",30,NA,NA,NA,FALSE,"none"\n'
    )
    (item,) = read_bytes(data)
    assert isinstance(item, RawRecord) and not item.problems
    assert item.value == {"id": "sam", "age": 30, "diarrhea": {"present": False}, "symptoms": []}
    (entry,) = entries([item], screener)
    assert "medications" in entry["unanswered_sections"]


def test_a_text_that_is_na_survives_the_round_trip_through_a_sheet() -> None:
    out = io.StringIO(newline="")
    write_answers_csv([{"id": "NA", "medications": ["NA", "Lasix"]}], out)
    (item,) = read_bytes(out.getvalue().encode())
    assert isinstance(item, RawRecord) and item.value == {"id": "NA", "medications": ["NA", "Lasix"]}


def test_a_pandas_csv_of_lists_is_read_as_the_lists(tmp_path: Path, screener) -> None:  # type: ignore[no-untyped-def]
    # pd.json_normalize(records).to_csv(...): nested fields as dotted columns, lists as Python lists.
    import pandas as pd

    records = [
        {"id": "rita", "medications": ["Lasix 40 mg", "O'Brien's tonic"], "symptoms": ["muscle_cramps", "fatigue"]},
        {"id": "sam", "medications": [], "symptoms": []},
    ]
    path = tmp_path / "normalized.csv"
    pd.json_normalize(records).to_csv(path, index=False)
    rita, sam = read_file(path)
    assert isinstance(rita, RawRecord) and isinstance(sam, RawRecord)
    assert (rita.value, rita.problems) == (records[0], ())
    assert (sam.value, sam.problems) == (records[1], ())
    assert [entry["status"] for entry in entries([rita, sam], screener)] == ["screened", "screened"]


def test_a_json_list_in_a_list_cell_is_read_as_the_list_and_brackets_in_a_name_stay_text() -> None:
    (item,) = read_bytes(b'symptoms,medications\n"[""tremor""]",[Lasix] 40 mg\n')
    assert isinstance(item, RawRecord) and item.value == {"symptoms": ["tremor"], "medications": ["[Lasix] 40 mg"]}
    out = io.StringIO(newline="")
    write_answers_csv([{"medications": ["['a']"]}], out)
    (again,) = read_bytes(out.getvalue().encode())
    assert isinstance(again, RawRecord) and again.value == {"medications": ["['a']"]}


def test_a_tab_separated_sheet_as_google_sheets_downloads_it_is_read(screener) -> None:  # type: ignore[no-untyped-def]
    data = b"id\tage\tmedications\tlabs.potassium.value\tlabs.potassium.unit\r\nrita\t72\tLasix 40 mg; omeprazole\t3,2\tmmol/L\r\n"
    (item,) = read_bytes(data)
    assert isinstance(item, RawRecord) and not item.problems
    assert item.value == {
        "id": "rita",
        "age": 72,
        "medications": ["Lasix 40 mg", "omeprazole"],
        "labs": {"potassium": {"value": 3.2, "unit": "mmol/L"}},
    }


def test_a_float32_lab_value_from_polars_is_the_number_written(tmp_path: Path, screener) -> None:  # type: ignore[no-untyped-def]
    # polars' Float32, DuckDB's REAL: 0.7 is stored as 0.699999988..., which the result would echo.
    magnesium = pa.struct([("value", pa.float32()), ("unit", pa.string())])
    table = pa.table(
        {
            "id": ["flat", "nested"],
            "alcohol.drinks_per_week": pa.array([14.2, None], pa.float32()),
            "labs": pa.array([None, {"magnesium": {"value": 0.7, "unit": "mmol/L"}}], pa.struct([("magnesium", magnesium)])),
        }
    )
    path = tmp_path / "polars.parquet"
    pq.write_table(table, path)
    flat, nested = read_file(path)
    assert isinstance(flat, RawRecord) and flat.value == {"id": "flat", "alcohol": {"drinks_per_week": 14.2}}
    assert isinstance(nested, RawRecord) and nested.value == {"id": "nested", "labs": {"magnesium": {"value": 0.7, "unit": "mmol/L"}}}
    (used,) = entries([nested], screener)[0]["labs_used"]
    assert used["value"] == 0.7


def test_a_template_filled_in_by_hand_is_read_with_codes_typed_as_words(tmp_path: Path, screener) -> None:  # type: ignore[no-untyped-def]
    from screener.batch.csv_answers import write_template

    path = tmp_path / "clinic.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        write_template(out)
    header = path.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    typed = {"id": "Mrs Jones", "age": "72", "symptoms": "Muscle cramps; fatigue", "red_flags_now": "chest pain"}
    with path.open("a", encoding="utf-8", newline="") as out:
        out.write(",".join(typed.get(name, "") for name in header) + "\r\n")
    (item,) = read_file(path)
    assert isinstance(item, RawRecord) and not item.problems
    assert item.value == {"id": "Mrs Jones", "age": 72, "symptoms": ["muscle_cramps", "fatigue"], "red_flags_now": ["chest_pain"]}
    (entry,) = entries([item], screener)
    assert entry["urgency"] == "emergency"


def test_a_null_item_in_a_list_column_makes_its_row_invalid_in_plain_words(tmp_path: Path, screener) -> None:  # type: ignore[no-untyped-def]
    # polars and Spark lists may hold nulls; large_list of large_string is how polars writes them.
    medications = pa.array([[None, "Lasix"], ["Lasix"]], pa.large_list(pa.large_string()))
    path = tmp_path / "polars.parquet"
    pq.write_table(pa.table({"id": ["gap", "ok"], "medications": medications}), path)
    gap, ok = entries(read_file(path), screener)
    assert gap["errors"] == [
        {"path": "$.medications", "message": "expected a list of texts, but item 1 is empty (null): leave it out of the list"}
    ]
    assert ok["status"] == "screened"


def test_a_section_given_as_one_column_is_named_with_its_fields(tmp_path: Path) -> None:
    # DuckDB's JSON type, or a pandas column of JSON text: the section as one text column.
    path = tmp_path / "json_text.parquet"
    pq.write_table(pa.table({"id": ["a"], "alcohol": ['{"drinks_per_week": 3}']}), path)
    (problem,) = read_file(path)
    assert isinstance(problem, UnreadableSource)
    assert "column 'alcohol' holds a section of the answers, not one answer: give its fields, each in its own column (alcohol.drinks_per_week," in problem.message


def test_an_export_for_excel_starting_with_a_sep_line_is_read_with_that_delimiter(screener) -> None:  # type: ignore[no-untyped-def]
    # "sep=;" tells Excel the delimiter; Excel shows no row for it, so the header is row 1.
    (item,) = read_bytes(b"sep=;\r\nid;age;alcohol.drinks_per_week;medications\r\nrita;72;3,5;Lasix, 40 mg\r\n")
    assert isinstance(item, RawRecord) and not item.problems
    assert (item.position, item.value) == (2, {"id": "rita", "age": 72, "alcohol": {"drinks_per_week": 3.5}, "medications": ["Lasix, 40 mg"]})


# ------------------------------------------------------------------------------ JSON


def test_json_lines_with_flat_column_names_say_how_json_nests_them(tmp_path: Path, screener) -> None:  # type: ignore[no-untyped-def]
    # pd.json_normalize(records).to_json(lines=True): the sheet's column names as JSON fields.
    path = tmp_path / "flat.jsonl"
    path.write_text('{"id": "rita", "labs.potassium.value": 3.2, "agee": 70}\n', encoding="utf-8")
    (entry,) = entries(read_file(path), screener)
    assert entry["errors"] == [
        {"path": "$.agee", "message": "unknown field 'agee' (did you mean 'age'?)"},
        {
            "path": "$.labs.potassium.value",
            "message": "unknown field 'labs.potassium.value': in JSON a section's fields are nested, "
            '{"labs": {"potassium": {"value": ...}}} (names with dots are columns of a sheet or Parquet file)',
        },
    ]


def test_a_quote_never_closed_is_named_and_the_rows_it_swallowed_are_not_screened_as_one(screener) -> None:  # type: ignore[no-untyped-def]
    # A sheet edited in a text editor: the rows after the stray quote became one medicine name.
    data = b'id,age,medications\nok,69,Lasix\na,70,"Lasix 40 mg\nb,71,omeprazole\nc,72,\n'
    ok, broken = entries(read_bytes(data), screener)
    assert ok["status"] == "screened"
    assert broken["status"] == "invalid" and broken["position"] == 3
    assert broken["errors"] == [
        {
            "path": "$",
            "message": "row 3 (line 3): a double quote opens a cell that is never closed, so lines 3-5, the rest of "
            "the file, were read as that one cell: close the quote or remove it",
        }
    ]


def test_an_exported_column_that_is_no_answer_refuses_the_file_saying_what_to_do(tmp_path: Path) -> None:
    import pandas as pd

    path = tmp_path / "export.parquet"
    pd.DataFrame({"id": ["rita"], "age": [72], "exported_at": [pd.Timestamp("2026-01-02")]}).to_parquet(path)
    (problem,) = read_file(path)
    assert isinstance(problem, UnreadableSource)
    assert problem.message == (
        "not a table of answers: unknown column 'exported_at'. Each column is an answers field "
        "(`mgk-screen template csv` names them all): leave the other columns out when writing the file. "
        "A column that holds no answers (a form's own, a note) can be left out with --ignore-column NAME "
        "(a name or a pattern such as 'Q*', repeatable)"
    )
