"""Checking input against the published JSON Schemas, with messages a person can act on.

jsonschema finds the errors; this module words them: every error with its JSON path
(``$.labs.potassium.unit``), what was expected, what was found, and "did you mean ...?" for near
misses. The same wording serves answers files and the rule files.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Final

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

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


class TooLargeNumber(float):
    """A number in JSON text too large for a float (``1e400``): infinite, like the float json
    makes of it, and keeping the text it was written as, so that a message can quote it."""

    text: str

    def __new__(cls, text: str) -> TooLargeNumber:
        number = super().__new__(cls, text)
        number.text = str(text)
        return number


def too_large_message(value: float) -> str:
    """The message for a number too large to use (an infinite float), quoting it as written."""
    written = getattr(value, "text", None) or ("-Infinity" if value < 0 else "Infinity")
    return f"a number too large to use ({written})"


def _too_large(value: Any) -> bool:
    return isinstance(value, float) and math.isinf(value)


#: Longest field name a message or path gives whole; a longer one (a 100,000-character key) is cut.
_NAME_SHOWN: Final = 60


def shown_name(name: str) -> str:
    """A field name as a message or a path gives it: cut to ``_NAME_SHOWN`` characters."""
    return name if len(name) <= _NAME_SHOWN else name[: _NAME_SHOWN - 3] + "..."


def _unknown_fields(error: ValidationError, instance: dict[Any, Any], allowed: list[str]) -> Iterator[Problem]:
    for name in sorted(set(instance) - set(allowed), key=lambda name: (not isinstance(name, str), str(name))):
        if isinstance(name, str):
            yield Problem(json_path([*error.absolute_path, name]), _unknown_field(name, allowed))
        else:  # a Python dict's key (1, None): JSON has no such field name, and no path can name it
            yield Problem(json_path(error.absolute_path), _name_not_text(name))


def _name_not_text(name: object) -> str:
    """The message for a field name that is not text (a Python dict given ``{1: 2}``)."""
    shown = repr(name) if len(repr(name)) <= 40 else repr(name)[:37] + "..."
    return (
        f"a field named {shown}, a Python {type(name).__name__}, not text: field names are text, as in JSON "
        "(\"age\", not 1 or None)"
    )


def _unknown_field(name: str, allowed: list[str]) -> str:
    if len(name) > _NAME_SHOWN:
        return f"unknown field '{shown_name(name)}' ({len(name):,} characters long)"
    if "." in name and name.split(".")[0] in allowed:  # a column's name, as pandas' json_normalize writes it
        nested = "..."
        for part in reversed(name.split(".")):
            nested = f'{{"{part}": {nested}}}'
        return f"unknown field '{name}': in JSON a section's fields are nested, {nested} (names with dots are columns of a sheet or Parquet file)"
    return f"unknown field '{name}'{did_you_mean(name, allowed)}"


def shown(text: str) -> str:
    """A value as a message quotes it: in JSON quotes, cut to 40 characters."""
    return json.dumps(text if len(text) <= 40 else text[:37] + "...", ensure_ascii=False)


def json_path(parts: Iterable[str | int]) -> str:
    path = "$"
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{shown_name(str(part))}"
    return path


@cache
def schema_bytes(filename: str) -> bytes:
    """The bytes of a schema shipped in ``screener/schemas``."""
    return resources.files("screener").joinpath("schemas").joinpath(filename).read_bytes()


@cache
def load_schema(filename: str) -> dict[str, Any]:
    """A schema shipped in ``screener/schemas``."""
    schema: dict[str, Any] = json.loads(schema_bytes(filename).decode("utf-8"))
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
    if _too_large(error.instance) and error.validator in _NUMBER_KEYWORDS:
        yield Problem(json_path(error.absolute_path), too_large_message(error.instance))
        return
    yield from _describe_by_keyword(error)


def _required_values(error: ValidationError) -> str:
    """For a missing field of a few fixed values (a lab's unit), where to give it and which
    values it takes: ": give labs.magnesium.unit, one of mmol/L, mEq/L, mg/dL"."""
    schema = error.schema if isinstance(error.schema, dict) else {}
    missing = [name for name in error.validator_value if isinstance(error.instance, dict) and name not in error.instance]
    field = schema.get("properties", {}).get(missing[0], {}) if len(missing) == 1 else {}
    values = field.get("enum") if isinstance(field, dict) else None
    if not isinstance(values, list) or not all(isinstance(value, str) for value in values):
        return ""
    dotted = ".".join(str(part) for part in (*error.absolute_path, missing[0]))
    return f": give {dotted}, one of {', '.join(values)}"


def _only_required(schema: object) -> bool:
    """A "oneOf" of field names only, with words for it ("give exactly one of value, below or above")."""
    if not isinstance(schema, dict) or not schema.get("description"):
        return False
    alternatives = schema.get("oneOf")
    return isinstance(alternatives, list) and all(isinstance(item, dict) and set(item) == {"required"} for item in alternatives)


def _describe_one_of_error(path: str, schema: object, context: Any) -> Iterator[Problem]:
    if _only_required(schema):
        assert isinstance(schema, dict)
        yield Problem(path, str(schema["description"]))  # "exactly one of these fields", said in words
    else:
        yield from _describe_one_of(context)


def _describe_by_keyword(error: ValidationError) -> Iterator[Problem]:
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
        yield Problem(path, f"expected {expected or 'a different value'}, got {_show(instance)}{_quoted_number(expected, instance)}")
        return
    if kind == "oneOf" and (error.context or _only_required(schema)):
        yield from _describe_one_of_error(path, schema, error.context)
        return
    if "then" in error.absolute_schema_path and isinstance(schema, dict) and schema.get("description"):
        yield Problem(path, str(schema["description"]))
        return
    if kind == "additionalProperties" and isinstance(instance, dict):
        yield from _unknown_fields(error, instance, list(schema.get("properties", {})))
        return
    if kind == "required":
        yield Problem(path, error.message.replace("is a required property", "is required but missing") + _required_values(error))
        return
    if kind == "enum":
        yield Problem(path, _unknown_value(error))
        return
    if kind == "type":
        expected = _expected(schema)
        yield Problem(path, f"expected {expected}, got {_show(instance)}{_quoted_number(expected, instance)}")
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
    if kind in ("uniqueItems", "minItems", "maxItems") and isinstance(instance, list):
        yield Problem(path, _list_problem(kind, error.validator_value, instance))
        return
    if kind in ("minLength", "maxLength", "pattern"):
        yield Problem(path, _text_problem(error))
        return
    yield Problem(path, error.message)


_NUMBER_KEYWORDS = frozenset({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "type"})


#: Model errors that the JSON Schema always reports too, in its own words (see ``with_model_problems``).
_SCHEMA_SAYS_IT = frozenset({"missing", "extra_forbidden", "invalid_key"})


def model_problem(error: Mapping[str, Any]) -> Problem:
    """A pydantic error (one of ``ValidationError.errors()``) in our wording."""
    path = json_path(error["loc"])
    if error["type"] == "finite_number" and _too_large(error.get("input")):
        return Problem(path, too_large_message(error["input"]))
    if error["type"] == "finite_number":  # NaN, or an infinity made in Python (JSON text cannot hold one)
        return Problem(path, f"expected a number, got {_show(error.get('input'))}")
    return Problem(path, str(error["msg"]).removeprefix("Value error, "))


def with_model_problems(found: list[Problem], model_errors: Iterable[Mapping[str, Any]]) -> list[Problem]:
    """The schema's problems and the model's that it did not report, in path order: every
    problem of a record, not only the schema's, and each once.

    The model checks what the JSON Schema cannot express (a number too large to use is a valid
    JSON Schema number); what it finds at, above or below a path the schema already reported is
    the same fault told again, and left out."""
    if len(found) > MAX_PROBLEMS:  # already as many as are listed, and the note saying so
        return found
    said = [problem.path for problem in found]
    extra = [
        model_problem(error)
        for error in model_errors
        if error["type"] not in _SCHEMA_SAYS_IT and not any(_related(json_path(error["loc"]), path) for path in said)
    ]
    return sorted(dict.fromkeys([*found, *extra[:MAX_PROBLEMS]]), key=lambda problem: problem.path)


def _related(path: str, other: str) -> bool:
    """Whether two paths are the same, or one lies inside the other (``$`` holds only itself here:
    a whole-record problem says nothing about a field)."""
    if path == other:
        return True
    if "$" in (path, other):
        return False
    return path.startswith((other + ".", other + "[")) or other.startswith((path + ".", path + "["))


def _text_problem(error: ValidationError) -> str:
    if error.validator == "pattern":
        # NOT_BLANK: a name that is empty or only spaces.
        return "must not be empty or only spaces" if error.validator_value == NOT_BLANK else error.message
    word = "at least" if error.validator == "minLength" else "at most"
    return f"must be {word} {error.validator_value} characters long"


NOT_BLANK = "[^ \t\n\r\f\v]"
"""The pattern of a text that must hold more than spaces (a medicine name). Spelt out rather than
a "non-space" class, which the JSON Schema (Python) and pydantic (Rust) regex engines read
differently for some control characters; this set they read alike."""


def _unknown_value(error: ValidationError) -> str:
    instance, options = error.instance, error.validator_value
    other_dimension = _unit_of_another_dimension(instance, options, error.absolute_path)
    if other_dimension:
        return other_dimension
    hint = _nearest_option(instance, [str(o) for o in options]) if isinstance(instance, str) else ""
    if isinstance(instance, str) and "ileostomy" in options and _OTHER_STOMA.fullmatch(instance.strip()):
        hint = _OTHER_STOMA_HINT  # close in spelling to 'ileostomy', but not one: never offered as it
    where = list(error.absolute_path)
    if isinstance(instance, str) and _NONE_WORDS.fullmatch(instance) and len(where) >= 2 and isinstance(where[-1], int):
        # ["none"], as a sheet's cell "none" becomes when a program turns cells into lists: none is []
        hint = f' (for none of these, give an empty list: "{where[-2]}": [])'
    return f"unknown value {_show(instance)}{hint}: expected one of {', '.join(repr(option) for option in options)}"


#: A list item saying there is nothing to list ("none", "None of these"): an empty list says it.
_NONE_WORDS = re.compile(r"\s*(?:none(?:[ _-]of[ _-]the(?:se|m))?|nothing|n/?a|nil)\s*", re.IGNORECASE)

#: A stoma other than one of the small bowel: "did you mean 'ileostomy'?" would count a colostomy or a
#: urostomy as a loss of both minerals, which it is not (README, "Where we departed": a stoma).
_OTHER_STOMA = re.compile(r"(?:colostomy|urostomy|ileal[ _-]?conduit)", re.IGNORECASE)
_OTHER_STOMA_HINT = (
    " (a colostomy or urostomy is not one of the conditions asked about: its output is not the runny output of a "
    "stoma from the small bowel; leave it out. 'ileostomy' is for an ileostomy)"
)


def _nearest_option(word: str, options: Sequence[str]) -> str:
    """" (did you mean 'female'?)" for a value written in another case or cut short ("F", "Yes",
    "not sure" for not_sure) when one option alone fits, else the closest by spelling. Only ever
    said, never taken."""
    folded = word.strip().lower().replace(" ", "_").replace("-", "_")
    if folded:
        fitting = [option for option in options if option.lower() == folded] or [
            option for option in options if option.lower().startswith(folded)
        ]
        if len(fitting) == 1:
            return f" (did you mean '{fitting[0]}'?)"
    return did_you_mean(word, options)


def _unit_of_another_dimension(instance: Any, options: Sequence[Any], where: Sequence[str | int]) -> str | None:
    """The message for a mass unit (mg/dL) where only amounts of substance are accepted (mmol/L,
    mEq/L), or None. No "did you mean" here: 'mEq/L' would invite keeping the number and changing
    its label, and a potassium of 2.0 mmol/L is 7.8 mg/dL, which relabelled passes as high."""
    if not isinstance(instance, str) or not _MASS_UNIT.fullmatch(instance):
        return None
    molar = [str(option) for option in options if _MOLAR_UNIT.fullmatch(str(option))]
    if not molar or len(molar) != len(options):
        return None
    lab = str(where[-2]) if len(where) >= 2 else "this result"
    return (
        f"unit {_show(instance)} is not used for {lab}: give the value in {' or '.join(molar)} as printed on the lab "
        "report (do not convert it or change only its unit)"
    )


_MASS_UNIT = re.compile(r"\s*[mµμu]?g\s*/\s*[dcm]?l\s*", re.IGNORECASE)
_MOLAR_UNIT = re.compile(r"[mµμu]?(?:mol|eq)/[dcm]?l", re.IGNORECASE)


def _describe_one_of(alternatives: list[ValidationError]) -> Iterator[Problem]:
    """A rule's condition is one of all / any / a comparison: say what is wrong with the one whose
    shape it has (only something inside it is wrong), not that it matches none."""
    by_branch: dict[object, list[ValidationError]] = {}
    for sub in alternatives:
        by_branch.setdefault(sub.relative_schema_path[0], []).append(sub)
    fitting = [subs for subs in by_branch.values() if all(sub.relative_path for sub in subs)]
    for sub in fitting[0] if len(fitting) == 1 else [best_match(alternatives)]:
        yield from _describe(sub)


def _list_problem(kind: str, limit: Any, items: list[Any]) -> str:
    if kind == "uniqueItems":
        seen = Counter(json.dumps(item, sort_keys=True) for item in items)
        repeated = sorted(item for item, times in seen.items() if times > 1)[:5]
        return f"list each code once: {', '.join(repeated)} is repeated"
    return f"must hold {'at least' if kind == 'minItems' else 'at most'} {limit} items, got {len(items)}"


def _wrong_type(error: ValidationError) -> bool:
    """Whether the error is that the value itself (not something inside it) has the wrong type."""
    return error.validator == "type" and not error.relative_path


def _expected(schema: Any) -> str:
    options = schema.get("enum") if isinstance(schema, dict) else None
    if isinstance(options, list) and options and all(isinstance(option, str) for option in options):
        # "diuretic_use": true: the values it takes say more than "a string" does.
        return "one of " + ", ".join(repr(option) for option in options)
    types = schema.get("type") if isinstance(schema, dict) else None
    if isinstance(types, list):
        return " or ".join(_TYPE_WORDS.get(str(t), str(t)) for t in types)
    return _TYPE_WORDS.get(str(types), str(types))


_NUMBER_TEXT = re.compile(r"\s*-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*")


def _quoted_number(expected: str, value: Any) -> str:
    """What to do with a number written as text where a number is expected ("4.2", as a
    spreadsheet or a program writes one): ": write it without quotes (4.2)"; else nothing."""
    if "number" not in expected or not isinstance(value, str) or not _NUMBER_TEXT.fullmatch(value):
        return ""
    if "a number" not in expected and not value.strip().lstrip("-").isdigit():  # "2.5" where a whole number is wanted
        return ""
    return f": write it without quotes ({value.strip()})"


def _show(value: Any) -> str:
    if _too_large(value):
        return getattr(value, "text", None) or ("-Infinity" if value < 0 else "Infinity")
    try:
        if isinstance(value, float) and value != value:
            # pandas writes a missing cell as NaN; the contract's "not answered" is no value at all.
            return "NaN (for 'not answered', leave the field out or give null: None in Python)"
        text = json.dumps(value, ensure_ascii=False)
    except ValueError:  # an integer too long to convert to text (sys.get_int_max_str_digits())
        text = f"a number of about {int(value.bit_length() * 0.30103)} digits" if isinstance(value, int) else "a value"
    except TypeError:  # a Python value JSON has no form for, such as a number from numpy or pandas
        return _not_json(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{_JSON_TYPES.get(type(value), 'a value')} {text}" if isinstance(value, (dict, list)) else text


def _not_json(value: Any) -> str:
    kind = type(value)
    shown = str(value)
    shown = shown if len(shown) <= 40 else shown[:37] + "..."
    return (
        f"{kind.__module__}.{kind.__qualname__} {shown}, which is not a JSON value: give plain Python values "
        "(int, float, str, bool, None, list, dict; numpy's .item() or .tolist() gives them)"
    )


def check_data_file(data: Any, schema_file: str, source: str) -> None:
    """Validate a rules-folder data file; raise one ``RulesError`` listing every problem."""
    problems = schema_problems(validator_for(schema_file), data)
    if problems:
        raise RulesError(rules_message(source, problems))


def rules_message(source: str, problems: Sequence[Problem]) -> str:
    lines = [f"{source}: {len(problems)} problem{'s' if len(problems) != 1 else ''}"]
    lines += [f"  {problem.path}: {problem.message}" for problem in problems]
    return "\n".join(lines)
