"""Answers as a spreadsheet (contract v2, "Answers as a spreadsheet"): what a clinic's export holds
is read exactly as the contract says, a bad cell costs its row only, and answers → CSV → answers
gives back the same answers."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from screener.cli.main import app
from typer.testing import CliRunner

from screener.batch.answer_columns import Kind, answer_columns
from screener.batch.csv_answers import write_answers_csv
from screener.batch.readers import RawRecord, ReadItem, UnreadableRecord, UnreadableSource, iter_records
from screener.batch.runner import record_entry
from screener.contract.answers import Answers
from screener.contract.validation import load_schema
from screener.synthetic import cohort

runner = CliRunner()
PERSONAS = sorted((Path(__file__).resolve().parents[1] / "examples" / "personas").glob("*.json"))


def read(data: bytes) -> list[ReadItem]:
    return list(iter_records(["-"], stdin=io.BytesIO(data)))


def sheet(*rows: str, newline: str = "\n") -> bytes:
    return newline.join(rows).encode("utf-8") + newline.encode()


def only_record(items: list[ReadItem]) -> RawRecord:
    (item,) = items
    assert isinstance(item, RawRecord), item
    return item


def as_csv(records: list[Any], delimiter: str = ",") -> bytes:
    out = io.StringIO(newline="")
    write_answers_csv(records, out, delimiter=delimiter)
    return out.getvalue().encode("utf-8")


def canonical(value: Any) -> dict[str, Any]:
    """The answers as the screener sees them; a section given as ``{}`` answers nothing, as if absent."""

    def pruned(node: Any) -> Any:
        if isinstance(node, dict):
            kept = {key: pruned(item) for key, item in node.items()}
            return {key: item for key, item in kept.items() if item != {}}
        return node

    return pruned(Answers.model_validate(value).model_dump(exclude_none=True))  # type: ignore[no-any-return]


# ------------------------------------------------------------------------------ the columns


def test_the_columns_are_every_leaf_field_of_the_published_answers_schema() -> None:
    schema = load_schema("answers.schema.json")

    def leaves(node: dict[str, Any], prefix: str) -> list[str]:
        found = []
        for name, spec in node["properties"].items():
            options = spec.get("anyOf", [spec])
            ref = next((option["$ref"] for option in options if "$ref" in option), None)
            if ref is not None:
                found += leaves(schema["$defs"][ref.rsplit("/", 1)[1]], f"{prefix}{name}.")
            else:
                found.append(prefix + name)
        return found

    assert [column.name for column in answer_columns()] == leaves(schema, "")


def test_the_template_is_an_empty_sheet_with_every_column(tmp_path: Path) -> None:
    run = runner.invoke(app, ["template", "csv"])
    assert run.exit_code == 0, run.output
    assert run.stdout.splitlines() == [",".join(column.name for column in answer_columns())]

    saved = tmp_path / "clinic.csv"
    run = runner.invoke(app, ["template", "csv", "-o", str(saved), "--delimiter", ";"])
    assert run.exit_code == 0, run.output
    data = saved.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfid;age;sex;pregnant;medications;")  # a BOM: Excel opens it as UTF-8
    assert read(data) == [UnreadableSource("<stdin>", "a header row but no rows of answers")]  # said, not only counted


# ------------------------------------------------------------------------------ every kind of cell


def test_each_kind_of_cell_is_read_as_the_contract_says() -> None:
    header = "id,age,sex,medications,alcohol.drinks_per_week,diarrhea.present,vomiting.present,symptoms,labs.potassium.value,labs.potassium.unit"
    record = only_record(read(sheet(header, "p-17,72.0,female,Lasix 40 mg; omeprazole 20mg,3.5,YES,False,muscle_cramps;fatigue,3.3,mmol/L")))
    assert record.problems == ()
    assert record.value == {
        "id": "p-17",
        "age": 72,  # a whole number written 72.0
        "sex": "female",
        "medications": ["Lasix 40 mg", "omeprazole 20mg"],
        "alcohol": {"drinks_per_week": 3.5},
        "diarrhea": {"present": True},
        "vomiting": {"present": False},
        "symptoms": ["muscle_cramps", "fatigue"],
        "labs": {"potassium": {"value": 3.3, "unit": "mmol/L"}},
    }
    assert isinstance(record.value["age"], int)


@pytest.mark.parametrize("word", ["yes", "Yes", "YES", "true", "True", "TRUE", "y", "Y"])
def test_yes_and_true_in_any_case_are_true(word: str) -> None:
    assert only_record(read(sheet("diarrhea.present", word))).value == {"diarrhea": {"present": True}}


@pytest.mark.parametrize("word", ["no", "No", "NO", "false", "False", "FALSE", "n", "N"])
def test_no_and_false_in_any_case_are_false(word: str) -> None:
    assert only_record(read(sheet("low_potassium_despite_supplements", word))).value == {
        "low_potassium_despite_supplements": False
    }


def test_an_empty_cell_is_not_answered_and_none_is_an_empty_list(screener) -> None:  # type: ignore[no-untyped-def]
    rows = read(sheet("id,symptoms,medications,diarrhea.present", "blank,,,", "said-none,none,NONE,"))
    blank, said_none = (only_record([item]) for item in rows)
    assert blank.value == {"id": "blank"}  # empty is never "no"
    assert said_none.value == {"id": "said-none", "symptoms": [], "medications": []}
    unanswered = {entry["id"]: entry["unanswered_sections"] for entry in (record_entry(r, screener) for r in (blank, said_none))}
    assert "symptoms" in unanswered["blank"]
    assert "symptoms" not in unanswered["said-none"]


def test_numbers_need_a_decimal_point_and_whole_numbers_may_be_written_with_one() -> None:
    record = only_record(read(sheet("age,diet.fruit_veg_servings,alcohol.drinks_per_week", "70.0,2.5,14")))
    assert record.value == {"age": 70, "diet": {"fruit_veg_servings": 2.5}, "alcohol": {"drinks_per_week": 14}}


def test_a_file_saved_by_excel_with_bom_crlf_and_semicolons_is_read() -> None:
    data = b"\xef\xbb\xbf" + sheet(
        "id;age;medications;symptoms;labs.magnesium.value;labs.magnesium.unit",
        'p1;64;"Lasix 40 mg; Nexium";"muscle_cramps; tremor";1.6;mg/dL',
        "p2;;;none;;",
        newline="\r\n",
    )
    first, second = read(data)
    assert isinstance(first, RawRecord) and isinstance(second, RawRecord)
    assert first.value == {
        "id": "p1",
        "age": 64,
        "medications": ["Lasix 40 mg", "Nexium"],
        "symptoms": ["muscle_cramps", "tremor"],
        "labs": {"magnesium": {"value": 1.6, "unit": "mg/dL"}},
    }
    assert second.value == {"id": "p2", "symptoms": []}
    assert (first.position, second.position) == (2, 3)  # rows of the sheet: the header is row 1


def test_a_cell_holding_a_line_break_stays_one_record() -> None:
    record = only_record(read(sheet("id,medications", 'p1,"Lasix 40 mg\nonce daily; amlodipine"')))
    assert record.value == {"id": "p1", "medications": ["Lasix 40 mg\nonce daily", "amlodipine"]}


def test_a_row_with_no_value_is_skipped_and_still_numbered() -> None:
    items = read(sheet("id,age", "p1,70", ",", "", "p2,71"))
    assert [(item.position, item.value) for item in items if isinstance(item, RawRecord)] == [
        (2, {"id": "p1", "age": 70}),
        (5, {"id": "p2", "age": 71}),
    ]


def test_a_header_preceded_by_blank_lines_counts_them_in_row_numbers() -> None:
    items = read(b"\n\n" + sheet("id,age", "p1,70"))
    assert only_record(items).position == 4


def test_json_lines_are_not_taken_for_a_sheet() -> None:
    items = read(b'{"id": "a", "age": 70}\n{"id": "b"}\n')
    assert [item.value for item in items if isinstance(item, RawRecord)] == [{"id": "a", "age": 70}, {"id": "b"}]


# ------------------------------------------------------------------------------ bad sheets, bad cells


def test_an_unknown_column_refuses_the_whole_file_before_any_row() -> None:
    items = read(sheet("id,agee,symptom,sex", "p1,70,fatigue,female", "p2,71,,male"))
    (problem,) = items
    assert isinstance(problem, UnreadableSource)
    assert "unknown column 'agee' (did you mean 'age'?)" in problem.message
    assert "unknown column 'symptom' (did you mean 'symptoms'?)" in problem.message
    assert "mgk-screen template csv" in problem.message


def test_a_column_named_twice_refuses_the_whole_file() -> None:
    (problem,) = read(sheet("id,age,age", "p1,70,71"))
    assert isinstance(problem, UnreadableSource) and "column 'age' appears twice" in problem.message


def test_column_names_are_read_in_any_case_as_a_clinic_types_them() -> None:
    """A practice nurse's sheet with capitalised headers (Excel's habit) and Y/N answers."""
    items = read(sheet("ID,Age,Sex,Diarrhea.Present,Labs.Potassium.Value,LABS.POTASSIUM.UNIT", "p1,70,F,Y,3.1,mmol/L"))
    assert only_record(items).value == {
        "id": "p1",
        "age": 70,
        "sex": "female",
        "diarrhea": {"present": True},
        "labs": {"potassium": {"value": 3.1, "unit": "mmol/L"}},
    }


def test_a_column_named_twice_in_different_cases_refuses_the_whole_file() -> None:
    (problem,) = read(sheet("id,age,Age", "p1,70,71"))
    assert isinstance(problem, UnreadableSource) and "column 'age' appears twice" in problem.message


def test_an_unknown_column_is_reported_by_batch_and_the_other_inputs_still_screened(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(sheet("id,agee", "p1,70"))
    good = tmp_path / "good.csv"
    good.write_bytes(sheet("id,age", "p1,70"))
    out = tmp_path / "out.jsonl"
    run = runner.invoke(app, ["batch", str(bad), str(good), "-o", str(out)])
    assert run.exit_code == 3
    assert f"{bad}: not a sheet of answers: unknown column 'agee' (did you mean 'age'?)" in run.stderr
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["p1"]


@pytest.mark.parametrize(
    ("column", "cell", "path", "message"),
    [
        ("age", "seventy", "$.age", 'expected a whole number, got "seventy"'),
        ("age", "70.5", "$.age", 'expected a whole number, got "70.5"'),
        ("alcohol.drinks_per_week", "-3,5", "$.alcohol.drinks_per_week", 'expected a number with a decimal point, got "-3,5" (write -3.5)'),
        ("diarrhea.present", "maybe", "$.diarrhea.present", 'expected yes or no (or true, false, y, n, 1, 0), got "maybe"'),
        ("symptoms", "fatigue;;tremor", "$.symptoms", "empty item 2 in the list"),
        ("symptoms", "fatigue;", "$.symptoms", "remove the last ';'"),
        ("labs.potassium.value", "low", "$.labs.potassium.value", 'expected a number, got "low"'),
        ("symptoms", "muscle_cramp", "$.symptoms[0]", "did you mean 'muscle_cramps'?"),
        ("sex", "femal", "$.sex", "did you mean 'female'?"),
    ],
)
def test_a_bad_cell_makes_its_row_invalid_with_the_column_as_its_path(
    screener, column: str, cell: str, path: str, message: str  # type: ignore[no-untyped-def]
) -> None:
    extra = ",labs.potassium.unit" if column.startswith("labs.potassium") else ""
    unit = ",mmol/L" if extra else ""
    good_cell = {"sex": "female", "labs.potassium.value": "3.3"}.get(column, "")
    rows = read(sheet(f"id,{column}{extra}", f"ok,{good_cell}{unit}", f'bad,"{cell}"{unit}'))
    good, bad = (record_entry(item, screener) for item in rows if not isinstance(item, UnreadableSource))
    assert good["status"] == "screened"
    assert bad["status"] == "invalid" and bad["id"] == "bad" and bad["position"] == 3
    assert [error["path"] for error in bad["errors"]] == [path]
    assert message in bad["errors"][0]["message"]


def test_a_bad_lab_value_is_not_also_reported_as_missing(screener) -> None:  # type: ignore[no-untyped-def]
    (item,) = read(sheet("labs.potassium.value,labs.potassium.unit,age", "3.3x,mmol/L,300"))
    entry = record_entry(item, screener)  # type: ignore[arg-type]
    assert [(error["path"], error["message"]) for error in entry["errors"]] == [
        ("$.age", "must be at most 120, got 300"),
        ("$.labs.potassium.value", 'expected a number, got "3.3x"'),
    ]


def test_a_value_outside_the_named_columns_makes_its_row_invalid(screener) -> None:  # type: ignore[no-untyped-def]
    rows = read(sheet("id,age,", "p1,70,", "p2,71,stray", "p3,72,,9"))
    entries = [record_entry(item, screener) for item in rows if not isinstance(item, UnreadableSource)]
    assert [entry["status"] for entry in entries] == ["screened", "invalid", "invalid"]
    assert entries[1]["errors"] == [{"path": "$", "message": 'a value in column 3, which has no name in the header row: "stray"'}]
    assert "beyond the 3 columns of the header row" in entries[2]["errors"][0]["message"]


def test_a_row_that_is_not_utf8_is_invalid_and_says_how_to_save_the_sheet() -> None:
    items = read(b"id,medications\np1,Lasix\np2,caf\xe9\np3,Nexium\n")
    assert [type(item) for item in items] == [RawRecord, UnreadableRecord, RawRecord]
    unreadable = items[1]
    assert isinstance(unreadable, UnreadableRecord) and unreadable.position == 3
    assert "not UTF-8 text (byte 0xe9 in column 'medications'); save the sheet as CSV UTF-8" in unreadable.message


def test_batch_validate_and_screen_read_a_sheet(tmp_path: Path) -> None:
    path = tmp_path / "clinic.csv"
    path.write_bytes(sheet("id,age,medications,symptoms", "rita,72,Lasix 40 mg,muscle_cramps", "sam,seventy,,"))
    out = tmp_path / "out.jsonl"
    run = runner.invoke(app, ["batch", str(path), "-o", str(out)])
    assert run.exit_code == 3, run.output
    rita, sam = (json.loads(line) for line in out.read_text().splitlines())
    assert (rita["status"], rita["combined_depletion"], rita["source"], rita["position"]) == ("screened", "possible", str(path), 2)
    assert (sam["status"], sam["position"], sam["errors"]) == ("invalid", 3, [{"path": "$.age", "message": 'expected a whole number, got "seventy"'}])

    run = runner.invoke(app, ["validate", str(path)])
    assert run.exit_code == 3
    assert f'{path} record 3: $.age: expected a whole number, got "seventy"' in run.stdout

    one = tmp_path / "rita.csv"
    one.write_bytes(sheet("id,age,medications,symptoms", "rita,72,Lasix 40 mg,muscle_cramps"))
    run = runner.invoke(app, ["screen", str(one), "--json"])
    assert run.exit_code == 0, run.output
    assert json.loads(run.stdout)["combined_depletion"] == "possible"
    run = runner.invoke(app, ["screen", "-"], input=sheet("id,age", "sam,seventy"))
    assert run.exit_code == 3
    assert '$.age: expected a whole number, got "seventy"' in run.stderr


class CountingStream(io.RawIOBase):
    def __init__(self, data: bytes) -> None:
        super().__init__()
        self._data = io.BytesIO(data)
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        size = self._data.readinto(buffer)
        self.bytes_read += size
        return size


def test_the_first_row_of_a_big_sheet_is_yielded_before_the_sheet_is_read() -> None:
    data = as_csv([{"id": str(n), "medications": ["Lasix 40 mg"], "symptoms": ["fatigue"]} for n in range(50_000)])
    stream = CountingStream(data)
    items = iter_records(["-"], stdin=stream)  # type: ignore[arg-type]
    assert only_record([next(items)]).value == {"id": "0", "medications": ["Lasix 40 mg"], "symptoms": ["fatigue"]}
    assert stream.bytes_read < 512 * 1024 < len(data)


# ------------------------------------------------------------------------------ round trips


def round_trip(records: list[Any], delimiter: str = ",") -> list[dict[str, Any]]:
    items = read(as_csv(records, delimiter))
    assert all(isinstance(item, RawRecord) and not item.problems for item in items), items
    return [item.value for item in items if isinstance(item, RawRecord)]


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_every_persona_survives_the_round_trip_through_a_sheet(screener, delimiter: str) -> None:  # type: ignore[no-untyped-def]
    personas = [json.loads(path.read_text(encoding="utf-8")) for path in PERSONAS]
    back = round_trip(personas, delimiter)
    assert [canonical(record) for record in back] == [canonical(record) for record in personas]
    for original, read_back in zip(personas, back, strict=True):
        expected = screener.screen_entry(original, source="x", position=1)
        assert screener.screen_entry(read_back, source="x", position=1) == expected


def test_a_thousand_generated_records_survive_the_round_trip(screener) -> None:  # type: ignore[no-untyped-def]
    records = list(cohort(1000, seed=17))
    back = round_trip(records)
    assert [canonical(record) for record in back] == [canonical(record) for record in records]
    for original, read_back in zip(records[:200], back[:200], strict=True):
        assert screener.screen_entry(read_back) == screener.screen_entry(original)


def test_text_that_looks_like_cell_syntax_survives_the_round_trip() -> None:
    awkward = ["none", "NONE ", "a; b", " spaced ", '"quoted"', '"', "line\nbreak", "back\\slash; \"", "é ü 中文"]
    records = [{"id": text, "medications": [text, "Lasix"]} for text in awkward]
    records.append({"id": "only-none", "medications": ["none"]})
    assert [canonical(record) for record in round_trip(records)] == [canonical(record) for record in records]


def test_an_integer_id_reads_back_as_its_text() -> None:
    assert round_trip([{"id": 17}]) == [{"id": "17"}]


@pytest.mark.parametrize("identifier", ["=\\", 'C:\\', 'a\\"b', '"=\\"'])
def test_a_cell_with_a_backslash_before_a_quote_reads_back_as_written(identifier: str) -> None:
    # A row of the header's width is RFC 4180's: Spark's backslash-escaped quotes are read only
    # when they shift a row's cells (review 9; hypothesis found "=\\" read as Spark's once they were
    # read whenever a cell held a backslash and a quote).
    assert [canonical(r) for r in round_trip([{"id": identifier}])] == [canonical({"id": identifier})]


texts = st.text(st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=12)


@settings(max_examples=150, deadline=None)
@given(
    identifier=texts,
    medications=st.lists(texts.filter(lambda text: text.strip(" \t\n\r\f\v")), max_size=4),  # not blank
    delimiter=st.sampled_from([",", ";"]),
)
def test_any_id_and_medication_names_survive_the_round_trip(identifier: str, medications: list[str], delimiter: str) -> None:
    record = {"id": identifier[:128], "medications": medications}
    assert [canonical(r) for r in round_trip([record], delimiter)] == [canonical(record)]


def test_writing_invalid_answers_is_refused_with_every_problem() -> None:
    from screener.screening.pipeline import InvalidAnswers

    with pytest.raises(InvalidAnswers) as refused:
        as_csv([{"age": 300, "symptoms": ["muscle_cramp"]}])
    assert {problem.path for problem in refused.value.problems} == {"$.age", "$.symptoms[0]"}


def test_column_kinds_cover_every_type_of_the_contract() -> None:
    kinds = {column.name: column.kind for column in answer_columns()}
    assert kinds["id"] is Kind.TEXT
    assert kinds["sex"] is Kind.CODE
    assert kinds["age"] is Kind.INTEGER
    assert kinds["alcohol.drinks_per_week"] is Kind.NUMBER
    assert kinds["diarrhea.present"] is Kind.BOOLEAN
    assert kinds["medications"] is Kind.TEXT_LIST
    assert kinds["symptoms"] is Kind.CODE_LIST


def test_a_cell_too_large_to_read_costs_its_row_only() -> None:
    huge = "x" * 200_000  # beyond the csv module's limit for one cell (128 kB)
    items = read(sheet("id,medications", "p1,Lasix", f"p2,{huge}", "p3,Nexium"))
    assert [type(item) for item in items] == [RawRecord, UnreadableRecord, RawRecord]
    assert [item.position for item in items] == [2, 3, 4]
    # Named by its column, not in the csv module's words ("field larger than field limit"): fifth session.
    assert "the cell in column 'medications' holds 200,000 characters" in items[1].message  # type: ignore[union-attr]


def test_text_a_spreadsheet_would_run_as_a_formula_is_written_as_text() -> None:
    records = [{"id": "=HYPERLINK(\"http://x\")", "medications": ["@SUM(1+1)", "+44 tablets", "-cmd|' /C calc'!A0"]}]
    import csv

    header, cells = csv.reader(io.StringIO(as_csv(records).decode(), newline=""))
    medications = header.index("medications")
    assert cells[0].startswith('"') and cells[medications].startswith('"')  # what the spreadsheet sees: text
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert [canonical(record) for record in round_trip(records)] == [canonical(record) for record in records]


# ------------------------------------------------------------------ everyday values from European Excel


def test_a_european_excel_sheet_with_decimal_commas_lower_case_units_and_f_for_female_is_read(screener) -> None:  # type: ignore[no-untyped-def]
    """QA's sheet: saved by Excel where ',' is the decimal mark, so ';' separates the cells."""
    data = b"\xef\xbb\xbf" + sheet(
        "id;age;sex;medications;diarrhea.present;diarrhea.days;labs.potassium.value;labs.potassium.unit;labs.potassium.taken",
        'n1;72;female;"Lasix 40mg; Omeprazole 20mg";yes;5;3,3;mmol/L;last_7_days',
        "n2;65;F;Ramipril;no;;4,1;mmol/l;",
        "n3;80.0;male;none;No;;;;",
        newline="\r\n",
    )
    entries = [record_entry(item, screener) for item in read(data)]  # type: ignore[arg-type]
    assert [entry["status"] for entry in entries] == ["screened"] * 3, entries
    first, second, _ = (item.value for item in read(data) if isinstance(item, RawRecord))
    assert first["labs"]["potassium"] == {"value": 3.3, "unit": "mmol/L", "taken": "last_7_days"}
    assert second["sex"] == "female" and second["labs"]["potassium"] == {"value": 4.1, "unit": "mmol/L"}


@pytest.mark.parametrize("cell", ["3,3", "12,25", "0,9"])
def test_a_decimal_comma_is_read_in_a_sheet_with_semicolons_between_cells(cell: str) -> None:
    record = only_record(read(sheet("id;alcohol.drinks_per_week", f"p1;{cell}")))
    assert record.problems == () and record.value["alcohol"] == {"drinks_per_week": float(cell.replace(",", "."))}


def test_a_decimal_comma_in_a_whole_number_column_is_still_a_whole_number() -> None:
    assert only_record(read(sheet("id;age", "p1;70,0"))).value == {"id": "p1", "age": 70}


@pytest.mark.parametrize("cell", ["1,000,5", "3,3,3", ",5", "3,", "-3,3", "3, 3", "three,3"])
def test_only_digits_a_comma_and_digits_is_a_decimal_comma(screener, cell: str) -> None:  # type: ignore[no-untyped-def]
    (item,) = read(sheet("id;alcohol.drinks_per_week", f"p1;{cell}"))
    entry = record_entry(item, screener)  # type: ignore[arg-type]
    assert entry["status"] == "invalid" and entry["errors"][0]["path"] == "$.alcohol.drinks_per_week"


def test_a_comma_that_could_be_a_thousands_separator_is_refused_in_a_sheet_with_commas_between_cells(screener) -> None:  # type: ignore[no-untyped-def]
    (item,) = read(sheet("id,alcohol.drinks_per_week", 'p1,"3,500"'))
    entry = record_entry(item, screener)  # type: ignore[arg-type]
    assert entry["errors"] == [
        {
            "path": "$.alcohol.drinks_per_week",
            "message": '"3,500" could be 3.500 (a decimal comma) or 3500 (a thousands separator): write the number without a comma',
        }
    ]


@pytest.mark.parametrize(
    ("column", "cell", "value"),
    [
        ("sex", "Female", "female"),
        ("sex", "MALE", "male"),
        ("sex", "F", "female"),
        ("sex", "m", "male"),
        ("diuretic_use", "YES", "yes"),
        ("laxative_use", "Regular", "regular"),
        ("diet.processed_food", "Most_Days", "most_days"),
        ("labs.potassium.unit", "mmol/l", "mmol/L"),
        ("labs.potassium.unit", "MEQ/L", "mEq/L"),
        ("labs.magnesium.unit", "mg/dl", "mg/dL"),
        ("labs.magnesium.taken", "Last_30_Days", "last_30_days"),
        ("symptoms", "Muscle_Cramps; FATIGUE", ["muscle_cramps", "fatigue"]),
    ],
)
def test_codes_and_units_are_read_in_any_case(column: str, cell: str, value: Any) -> None:
    record = only_record(read(sheet(f"id,{column}", f"p1,{cell}")))
    assert record.problems == ()
    found: Any = record.value
    for part in column.split("."):
        found = found[part]
    assert found == value


def test_the_json_contract_still_takes_codes_only_as_written(screener) -> None:  # type: ignore[no-untyped-def]
    _, problems = screener.check({"sex": "Female", "labs": {"potassium": {"value": 3.3, "unit": "mmol/l"}}})
    assert {problem.path for problem in problems} == {"$.sex", "$.labs.potassium.unit"}


# ------------------------------------------------------------------ a lab result as a person types it


def lab_errors(screener: Any, *rows: str) -> list[tuple[str, str]]:
    (item,) = read(sheet(*rows))
    entry = record_entry(item, screener)  # type: ignore[arg-type]
    return [(error["path"], error["message"]) for error in entry.get("errors", [])]


@pytest.mark.parametrize(
    ("header", "row"),
    [
        ("id;labs.potassium.value;labs.potassium.unit", "C;3.1 mmol/L;"),  # QA's Excel row C
        ("id,labs.potassium.value", "C,3.1 mmol/L"),  # no unit column at all
        ("id,labs.potassium.value,labs.potassium.unit", "C,3.1mmol/l,mmol/L"),  # the same unit twice
        ("id;labs.potassium.value;labs.potassium.unit", "C;3,1 mmol / L;NA"),
    ],
)
def test_a_nurse_who_types_the_unit_into_the_potassium_cell_has_it_read_as_number_and_unit(
    screener: Any, header: str, row: str
) -> None:
    record = only_record(read(sheet(header, row)))
    assert record.problems == ()
    assert record.value["labs"]["potassium"] == {"value": 3.1, "unit": "mmol/L"}
    assert record_entry(record, screener)["status"] == "screened"


def test_a_magnesium_cell_in_mg_dl_is_read_with_its_unit(screener: Any) -> None:
    record = only_record(read(sheet("id,labs.magnesium.value", "m,1.7 mg/dL")))
    assert record.value["labs"]["magnesium"] == {"value": 1.7, "unit": "mg/dL"}


def test_a_unit_in_the_value_cell_that_the_lab_does_not_take_is_one_error_not_two(screener: Any) -> None:
    assert lab_errors(screener, "id,labs.potassium.value,labs.potassium.unit", "C,3.1 mg/dL,") == [
        (
            "$.labs.potassium",
            'labs.potassium.value holds "3.1 mg/dL", and "mg/dL" is not a unit for potassium (mmol/L or mEq/L). '
            "Write the number alone in labs.potassium.value and its unit in labs.potassium.unit",
        )
    ]


def test_a_value_cell_whose_unit_differs_from_the_unit_column_is_one_error_naming_both(screener: Any) -> None:
    assert lab_errors(screener, "id,labs.potassium.value,labs.potassium.unit", "C,3.1 mEq/L,mmol/L") == [
        (
            "$.labs.potassium.value",
            '"3.1 mEq/L" names the unit mEq/L, but labs.potassium.unit says "mmol/L": write the number alone here (3.1) '
            "and the unit it was measured in, in labs.potassium.unit",
        )
    ]


def test_a_number_with_an_exponent_is_still_a_number_not_a_unit() -> None:
    record = only_record(read(sheet("id,labs.potassium.value,labs.potassium.unit", "C,3.1e0,mmol/L")))
    assert record.problems == () and record.value["labs"]["potassium"]["value"] == 3.1


@pytest.mark.parametrize("cell", ["2026-11-28", "28/11/2026", "28.11.26", "2026-11-28T09:30:00"])
def test_a_date_in_the_taken_column_is_one_error_saying_what_to_write_instead(screener: Any, cell: str) -> None:
    assert lab_errors(screener, "id,labs.potassium.value,labs.potassium.unit,labs.potassium.taken", f"B,3.1,mmol/L,{cell}") == [
        (
            "$.labs.potassium.taken",
            f'a date ("{cell}") is not read here, since the answers do not say the day of the screening: write how long '
            "before the screening the sample was taken, last_7_days, last_30_days or older (or leave it empty if not known)",
        )
    ]


def test_a_date_typed_in_a_parquet_taken_column_gets_the_same_message() -> None:
    from datetime import date

    from screener.batch.answer_columns import record_from_row

    _, problems = record_from_row({"labs.potassium.value": 3.1, "labs.potassium.unit": "mmol/L", "labs.potassium.taken": date(2026, 11, 28)})
    assert [problem.path for problem in problems] == ["$.labs.potassium.taken"]
    assert problems[0].message.startswith('a date ("2026-11-28") is not read here')
