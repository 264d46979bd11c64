"""One record cannot take the machine, and what it says is never silently changed (issue 12,
items 10 and 14).

- The answers' lists are sets of codes (each code once) and ``medications`` holds at most 100
  entries; a record holding more than 10,000 JSON values is refused as too large before it is
  built (60 MB of ``[[],[],...]`` once took 23 GB and was killed); a record with thousands of
  wrong values gets its first 100 problems listed, not an error entry as large as itself.
- A key given twice in one object is an error, not the last value taken silently.
- ``demo NAME`` reads only the personas inside the examples folder.
- A soft hyphen or a zero-width character inside a medication name does not hide the medicine.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from screener.batch import records as batch_records
from screener.batch.readers import RawRecord, UnreadableRecord, UnreadableSource, iter_records

ROOT = Path(__file__).resolve().parent.parent


def read_text(data: str) -> list[Any]:
    import io

    return list(iter_records(["-"], stdin=io.BytesIO(data.encode())))


def problems_of(screener: Any, record: dict[str, Any]) -> list[tuple[str, str]]:
    return [(p.path, p.message) for p in screener.check(record)[1]]


# ------------------------------------------------------------------ item 10: lists are bounded sets


@pytest.mark.parametrize("field", ["symptoms", "conditions", "red_flags_now", "supplements"])
def test_a_code_given_twice_in_a_list_is_refused(screener: Any, field: str) -> None:
    codes = {"symptoms": "fatigue", "conditions": "dialysis", "red_flags_now": "seizure", "supplements": "magnesium"}
    problems = problems_of(screener, {field: [codes[field], codes[field]]})
    assert (f"$.{field}", f'list each code once: "{codes[field]}" is repeated') in problems


def test_many_copies_of_one_symptom_are_refused_in_one_problem(screener: Any) -> None:
    problems = problems_of(screener, {"symptoms": ["fatigue"] * 100_000})
    assert ("$.symptoms", "must hold at most 18 items, got 100000") in problems
    assert len(problems) <= 3


def test_more_than_100_medications_are_refused(screener: Any) -> None:
    assert screener.check({"medications": ["Lasix 40 mg"] * 100})[1] == []
    assert ("$.medications", "must hold at most 100 items, got 101") in problems_of(screener, {"medications": ["Lasix"] * 101})


def test_the_published_schema_says_so_too() -> None:
    schema = json.loads((ROOT / "screener" / "schemas" / "answers.schema.json").read_text())
    symptoms = next(branch for branch in schema["properties"]["symptoms"]["anyOf"] if branch.get("type") == "array")
    medications = next(branch for branch in schema["properties"]["medications"]["anyOf"] if branch.get("type") == "array")
    assert symptoms["uniqueItems"] is True and symptoms["maxItems"] == 18
    assert medications["maxItems"] == 100


def test_a_record_with_thousands_of_wrong_values_lists_the_first_100_problems(screener: Any) -> None:
    problems = problems_of(screener, {f"unknown_{n}": n for n in range(5000)})
    assert len(problems) == 101
    assert problems[-1] == ("$", "more problems not listed (only the first 100 are)")


@pytest.mark.parametrize("fmt", ["jsonl", "array"])
def test_a_record_of_too_many_values_is_refused_and_its_neighbours_read(fmt: str) -> None:
    huge = '{"id": "huge", "symptoms": [' + ",".join(["[]"] * 200_000) + "]}"
    texts = ['{"id": "a"}', huge, '{"id": "c"}']
    data = "\n".join(texts) + "\n" if fmt == "jsonl" else "[" + ",\n".join(texts) + "]"
    first, middle, last = read_text(data)
    assert (first, last) == (RawRecord("<stdin>", 1, {"id": "a"}), RawRecord("<stdin>", 3, {"id": "c"}))
    assert isinstance(middle, UnreadableRecord)
    assert middle.message.endswith(f"record too large (more than {batch_records.MAX_RECORD_VALUES} values)")


def test_the_values_are_counted_before_the_record_is_built(monkeypatch: pytest.MonkeyPatch) -> None:
    """So that the cost is one pass over the text, not gigabytes of objects: the decoder is never
    called on a JSON Lines record that has too many values."""
    from screener.batch import json_text

    decoded: list[int] = []
    real = json_text.decode_at

    def spy(text: str, start: int) -> tuple[object, int]:
        decoded.append(len(text))
        return real(text, start)

    monkeypatch.setattr(json_text, "decode_at", spy)
    [item] = read_text('{"symptoms": [' + ",".join(["[]"] * 200_000) + "]}\n")
    assert isinstance(item, UnreadableSource | UnreadableRecord)
    assert decoded == []


def test_deep_nesting_is_still_called_deep_nesting() -> None:
    [item] = read_text('{"labs": ' + "[" * 50_000 + "]" * 50_000 + "}")
    assert isinstance(item, UnreadableSource | UnreadableRecord)
    assert "nested too deeply to read" in item.message


# ---------------------------------------------------------------- item 14: a key given twice


@pytest.mark.parametrize("fmt", ["jsonl", "array", "single"])
def test_a_key_given_twice_in_a_record_is_an_error_not_the_last_value(fmt: str) -> None:
    twice = '{"id": "p1", "age": 30, "labs": {"potassium": {"value": 3.0, "value": 6.5, "unit": "mmol/L"}}}'
    if fmt == "single":
        [item] = read_text(twice)
        assert isinstance(item, UnreadableRecord)  # one object is one record, invalid (fifth session)
        assert "the field 'value' is given twice in one object" in item.message
        return
    texts = ['{"id": "a"}', twice, '{"id": "c"}']
    data = "\n".join(texts) + "\n" if fmt == "jsonl" else "[" + ",\n".join(texts) + "]"
    first, middle, last = read_text(data)
    assert (first.value, last.value) == ({"id": "a"}, {"id": "c"})  # type: ignore[union-attr]
    assert isinstance(middle, UnreadableRecord)
    assert "line 2, column" in middle.message
    assert middle.message.endswith("the field 'value' is given twice in one object (which value is meant?)")


def test_the_command_reports_a_repeated_key_as_an_invalid_record(tmp_path: Path) -> None:
    (tmp_path / "in.jsonl").write_text('{"id": "a", "age": 30, "age": 90}\n{"id": "b"}\n')
    done = subprocess.run(
        [sys.executable, "-m", "screener", "batch", "in.jsonl"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 3, done.stderr
    first, second = (json.loads(line) for line in done.stdout.splitlines())
    assert first["status"] == "invalid" and "'age' is given twice" in first["errors"][0]["message"]
    assert second["status"] == "screened"


# ------------------------------------------------------------- item 14: demo reads only personas


@pytest.mark.parametrize("how", ["absolute", "relative"])
def test_demo_reads_nothing_outside_the_examples_folder(tmp_path: Path, how: str) -> None:
    secret = tmp_path / "secret.json"
    secret.write_text(json.dumps({"id": "SECRET-CONTENT", "age": 50}))
    examples = ROOT / "examples" / "personas"
    name = str(secret.with_suffix("")) if how == "absolute" else os.path.relpath(secret.with_suffix(""), examples)
    done = subprocess.run(
        [sys.executable, "-m", "screener", "demo", name, "--examples", str(examples)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stdout
    assert "SECRET-CONTENT" not in done.stdout + done.stderr
    assert "demo reads only the personas in that folder" in done.stderr


def test_demo_still_shows_a_persona_by_name() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "screener", "demo", "runner-with-cramps-only", "--examples", str(ROOT / "examples")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "runner" in done.stdout.lower()


# ---------------------------------------------- item 14: invisible characters in medication names


@pytest.mark.parametrize(
    "written",
    ["La\u00adsix 40 mg", "Las\u200bix", "furo\u200dsemide", "\u2060Lasix", "Lasix\ufeff 40 mg", "fu\u00adro\u00adse\u00admide"],
    ids=["soft-hyphen", "zero-width-space", "zero-width-joiner", "word-joiner-before", "bom-after", "soft-hyphens"],
)
def test_an_invisible_character_inside_a_medication_name_does_not_hide_it(screener: Any, written: str) -> None:
    match = screener.ruleset.vocabulary.match(written)
    assert [drug.generic for drug in match.drugs] == ["furosemide"]
    assert match.unrecognised == ()


def test_a_hidden_loop_diuretic_still_counts_in_the_result(screener: Any) -> None:
    plain = screener.screen({"medications": ["Lasix 40 mg"], "symptoms": ["muscle_cramps"]})
    hidden = screener.screen({"medications": ["La\u00adsix 40 mg"], "symptoms": ["muscle_cramps"]})
    assert hidden.risk_factors == plain.risk_factors and "loop_diuretic" in hidden.risk_factors
    assert hidden.combined_depletion == plain.combined_depletion
