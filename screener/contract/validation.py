"""Checking input against the published JSON Schemas, with messages a person can act on.

jsonschema finds the errors; this module words them: every error with its JSON path
(``$.labs.potassium.unit``), what was expected, what was found, and "did you mean ...?" for near
misses. The same wording serves answers files and the rule files.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from screener.errors import RulesError, did_you_mean

_JSON_TYPES = {
    dict: "an object",
    list: "an array",
    str: "a string",
    bool: "true or false",
    int: "an integer",
    float: "a number",
    type(None): "null",
}
_TYPE_WORDS = {
    "object": "an object",
    "array": "an array",
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one record: where (JSON path) and what."""

    path: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}


def json_path(parts: Iterable[str | int]) -> str:
    path = "$"
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


@cache
def load_schema(filename: str) -> dict[str, Any]:
    """A schema shipped in ``screener/schemas``."""
    text = resources.files("screener").joinpath("schemas").joinpath(filename).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def validator_for(filename: str) -> Draft202012Validator:
    return Draft202012Validator(load_schema(filename))


#: Problems listed for one instance at most: a record with thousands of wrong values gets the
#: first ones and a note, not an error entry (and a list of errors in memory) as large as itself.
MAX_PROBLEMS = 100


def schema_problems(validator: Draft202012Validator, instance: Any) -> list[Problem]:
    """Every schema error of ``instance`` (up to ``MAX_PROBLEMS``), worded, in document order."""
    problems: list[Problem] = []
    for error in validator.iter_errors(instance):
        problems.extend(_describe(error))
        if len(problems) > MAX_PROBLEMS:
            listed = sorted(dict.fromkeys(problems[:MAX_PROBLEMS]), key=lambda p: p.path)
            return [*listed, Problem("$", f"more problems not listed (only the first {MAX_PROBLEMS} are)")]
    return sorted(dict.fromkeys(problems), key=lambda p: p.path)


def _describe(error: ValidationError) -> Iterator[Problem]:
    path = json_path(error.absolute_path)
    kind, instance, schema = error.validator, error.instance, error.schema
    if kind == "anyOf" and error.context:
        # Optional fields are "X or null" (the id is "string or integer or null"). When the value
        # has the type of one alternative, report why it is not a valid one of that type (too
        # long, out of range, unknown code); otherwise say which types were expected.
        branches: dict[object, list[ValidationError]] = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        right_type = [subs for subs in branches.values() if not any(_wrong_type(sub) for sub in subs)]
        if len(right_type) == 1:
            for sub in right_type[0]:
                yield from _describe(sub)
            return
        expected = " or ".join(
            _expected(e.schema) for e in error.context if _wrong_type(e) and e.schema != {"type": "null"}
        )
        yield Problem(path, f"expected {expected or 'a different value'}, got {_show(instance)}")
        return
    if "then" in error.absolute_schema_path and isinstance(schema, dict) and schema.get("description"):
        yield Problem(path, str(schema["description"]))
        return
    if kind == "additionalProperties" and isinstance(instance, dict):
        allowed = list(schema.get("properties", {}))
        for name in sorted(set(instance) - set(allowed)):
            yield Problem(json_path([*error.absolute_path, name]), f"unknown field '{name}'{did_you_mean(name, allowed)}")
        return
    if kind == "required":
        yield Problem(path, error.message.replace("is a required property", "is required but missing"))
        return
    if kind == "enum":
        options = ", ".join(repr(option) for option in error.validator_value)
        hint = did_you_mean(str(instance), [str(o) for o in error.validator_value]) if isinstance(instance, str) else ""
        yield Problem(path, f"unknown value {_show(instance)}{hint}: expected one of {options}")
        return
    if kind == "type":
        yield Problem(path, f"expected {_expected(schema)}, got {_show(instance)}")
        return
    bounds = {
        "minimum": "at least",
        "maximum": "at most",
        "exclusiveMinimum": "greater than",
        "exclusiveMaximum": "less than",
    }
    if kind in bounds:
        yield Problem(path, f"must be {bounds[kind]} {error.validator_value}, got {_show(instance)}")
        return
    if kind == "uniqueItems" and isinstance(instance, list):
        seen = Counter(json.dumps(item, sort_keys=True) for item in instance)
        repeated = sorted(item for item, times in seen.items() if times > 1)[:5]
        yield Problem(path, f"list each code once: {', '.join(repeated)} is repeated")
        return
    if kind in ("minItems", "maxItems") and isinstance(instance, list):
        word = "at least" if kind == "minItems" else "at most"
        yield Problem(path, f"must hold {word} {error.validator_value} items, got {len(instance)}")
        return
    if kind in ("minLength", "maxLength"):
        word = "at least" if kind == "minLength" else "at most"
        yield Problem(path, f"must be {word} {error.validator_value} characters long")
        return
    yield Problem(path, error.message)


def _wrong_type(error: ValidationError) -> bool:
    """Whether the error is that the value itself (not something inside it) has the wrong type."""
    return error.validator == "type" and not error.relative_path


def _expected(schema: Any) -> str:
    types = schema.get("type") if isinstance(schema, dict) else None
    if isinstance(types, list):
        return " or ".join(_TYPE_WORDS.get(str(t), str(t)) for t in types)
    return _TYPE_WORDS.get(str(types), str(types))


def _show(value: Any) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False) if not isinstance(value, float) or value == value else "NaN"
    except ValueError:  # an integer too long to convert to text (sys.get_int_max_str_digits())
        text = f"a number of about {int(value.bit_length() * 0.30103)} digits" if isinstance(value, int) else "a value"
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{_JSON_TYPES.get(type(value), 'a value')} {text}" if isinstance(value, (dict, list)) else text


def read_data_bytes(entry: Any, source: str, hint: str | None = None) -> bytes:
    """The bytes of a rules-folder data file (a Path or a package resource), or a ``RulesError``."""
    try:
        raw: bytes = entry.read_bytes()
    except FileNotFoundError:
        raise RulesError(f"{source}: file not found", hint=hint) from None
    except OSError as error:
        raise RulesError(f"{source}: cannot read ({error.strerror or error})") from None
    return raw


def parse_data(raw: bytes, source: str, object_pairs_hook: Any = None) -> Any:
    """JSON from a data file's bytes (a UTF-8 BOM is allowed), or a ``RulesError`` with line and column."""
    try:
        return json.loads(raw.decode("utf-8-sig"), object_pairs_hook=object_pairs_hook)
    except UnicodeDecodeError as error:
        raise RulesError(f"{source}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    except json.JSONDecodeError as error:
        raise RulesError(f"{source}: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})") from None


def check_data_file(data: Any, schema_file: str, source: str) -> None:
    """Validate a rules-folder data file; raise one ``RulesError`` listing every problem."""
    problems = schema_problems(validator_for(schema_file), data)
    if problems:
        raise RulesError(rules_message(source, problems))


def rules_message(source: str, problems: Sequence[Problem]) -> str:
    lines = [f"{source}: {len(problems)} problem{'s' if len(problems) != 1 else ''}"]
    lines += [f"  {problem.path}: {problem.message}" for problem in problems]
    return "\n".join(lines)
