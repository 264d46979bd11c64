"""`mgk-screen template json`: an answers file with every field, each unanswered (null), valid
against the answers schema as it is, to fill in as `template csv`'s sheet is filled in.

The fields are the sheet's columns (``answer_columns``), nested as JSON nests them, but for the
two a lab result gives instead of its value (``below``, ``above``: a result reported as "<X" or
">X"). A section whose fields the answers contract takes only together (AUDIT-C's three
answers, a lab result with its value) is null as a whole: a null inside it would be refused, and
a value or unit filled in would be an answer no one gave.
"""

from __future__ import annotations

from typing import Any, Final

#: A lab result's fields given instead of its value, left out of the template.
_INSTEAD_OF_VALUE: Final = ("below", "above")


def answers_template() -> dict[str, Any]:
    from screener.batch.answer_columns import answer_columns
    from screener.contract.validation import validator_for

    record: dict[str, Any] = {}
    for column in answer_columns():
        *sections, name = column.name.split(".")
        if sections[:1] == ["labs"] and name in _INSTEAD_OF_VALUE:
            continue
        place = record
        for section in sections:
            place = place.setdefault(section, {})
        place[name] = None
    validator = validator_for("answers.schema.json")
    for _ in range(len(record) + 10):  # each round makes one more section null; a few are
        problems = _problems(validator, record)
        if not problems:
            return record
        _null_section(record, problems[0].path)
    raise AssertionError(f"the answers template is not valid: {_problems(validator, record)}")


def _problems(validator: Any, record: dict[str, Any]) -> list[Any]:
    """What `validate` finds in ``record``: the schema's problems, then the answers model's."""
    from pydantic import ValidationError

    from screener.contract.answers import Answers
    from screener.contract.validation import model_problem, schema_problems

    found = schema_problems(validator, record)
    if found:
        return found
    try:
        Answers.model_validate(record)
    except ValidationError as error:
        return [model_problem(detail) for detail in error.errors()]
    return []


def _null_section(record: dict[str, Any], path: str) -> None:
    """Make null the section holding the field at ``path`` (``$.labs.magnesium.unit``), or the
    section at ``path`` itself when it is one (``$.labs.magnesium``)."""
    parts = path.removeprefix("$.").split(".")
    place: Any = record
    for part in parts[:-1]:
        place = place[part]
    if isinstance(place.get(parts[-1]), dict) or len(parts) == 1:
        place[parts[-1]] = None
        return
    parent: Any = record
    for part in parts[:-2]:
        parent = parent[part]
    parent[parts[-2]] = None


def null_sections(record: dict[str, Any] | None = None, prefix: str = "") -> list[str]:
    """The sections the template gives as null as a whole (``alcohol.audit_c``, ``labs.magnesium``)."""
    from screener.batch.answer_columns import answer_columns

    record = answers_template() if record is None else record
    sections = {column.name.rsplit(".", 1)[0] for column in answer_columns() if "." in column.name}
    found: list[str] = []
    for name, value in record.items():
        path = prefix + name
        if value is None and path in sections:
            found.append(path)
        elif isinstance(value, dict):
            found += null_sections(value, path + ".")
    return found


def left_as_null() -> str:
    """What the template leaves out, said where it is written."""
    *first, last = null_sections()
    sections = f"{', '.join(first)} and {last}" if first else last
    return (
        f"{sections} are null as a whole: their fields are given together (`mgk-screen schema answers` lists them); "
        "a lab result reported as '<X' or '>X' goes in below or above in place of value"
    )
