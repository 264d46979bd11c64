"""The answers object as dotted paths (``labs.potassium.value``): the answers model's leaf fields
and its all-or-nothing sections, and reading, writing and removing one path of an answers object.

The questionnaire, the interview and the FHIR mapping all name answers fields this way, so they
share one reading of a path (``MISSING`` where there is none) and one test of sameness
(``same_value``: True is not 1, as in JSON).
"""

from __future__ import annotations

import functools
import types
from collections.abc import Mapping
from typing import Annotated, Any, Final, Union, get_args, get_origin

from pydantic import BaseModel

from screener.contract.answers import Answers

MISSING: Any = object()
"""What ``get_path`` gives for a path the answers do not hold (None is an answer of its own)."""

#: Answers fields that hold a question's amount in another of its units: the question's field, and
#: the other field with the questionnaire unit it is in. A weekly total in UK units
#: (``alcohol.units_per_week``) is the drinks question answered in UK units: a resumed file and a
#: QuestionnaireResponse written from answers carry it so, and it reads back as UK units.
GIVEN_IN_ANOTHER_UNIT: Final = {"alcohol.drinks_per_week": ("alcohol.units_per_week", "uk_units")}
#: What an amount saved as given (``GIVEN_IN_ANOTHER_UNIT``) is a total over, said after its unit
#: when the answer is shown back: "14 UK units a week", as the answers field holds it.
SAVED_TOTAL_OVER: Final = {"alcohol.units_per_week": "a week"}


def saved_as_given(field: str, unit: str) -> str | None:
    """The answers field that keeps an amount of question field ``field`` given in ``unit`` as
    given (``alcohol.units_per_week`` for the drinks question in ``uk_units``), else None."""
    other = GIVEN_IN_ANOTHER_UNIT.get(field)
    return other[0] if other is not None and other[1] == unit else None


# -- the answers model, field by field ----------------------------------------------------------


def submodel(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = submodel(arg)
        if found is not None:
            return found
    return None


def is_list_type(annotation: Any) -> bool:
    origin = get_origin(annotation)
    if origin is list:
        return True
    if origin in (Union, types.UnionType, Annotated):  # Optional[X] and X | None alike
        return any(is_list_type(arg) for arg in get_args(annotation))
    return False


def answer_fields(model: type[BaseModel] = Answers, prefix: str = "") -> dict[str, Any]:
    """Every leaf field of the answers model as a dotted path, with its type (constraints included)."""
    out: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        path = prefix + name
        sub = submodel(info.annotation)
        if sub is not None:
            out.update(answer_fields(sub, path + "."))
        else:
            # Constraints given with Field(...) live in metadata: keep them with the type.
            params = (info.annotation, *info.metadata)
            out[path] = Annotated[params] if info.metadata else info.annotation
    return out


@functools.cache
def groups(model: type[BaseModel] = Answers, prefix: str = "") -> dict[str, tuple[str, ...]]:
    """Nested sections with required fields (AUDIT-C, a lab result): all or nothing. A lab
    result's number is required as its first form (``value``), which ``missing_fields`` counts
    as given when another form is (``below``, ``above``: ``ALTERNATIVES``); a potassium, whose
    unit may be left out, is a group for its number alone, so that a "when taken" kept without
    it is not saved."""
    out: dict[str, tuple[str, ...]] = {}
    for name, info in model.model_fields.items():
        sub = submodel(info.annotation)
        if sub is None:
            continue
        path = prefix + name
        one_of = _one_of(sub)
        required = (*one_of[:1], *(n for n, f in sub.model_fields.items() if f.is_required()))
        if required:
            out[path] = required
        out.update(groups(sub, path + "."))
    return out


def _one_of(model: type[BaseModel]) -> tuple[str, ...]:
    """The fields of which a section needs exactly one (a lab result's ``value``, ``below``,
    ``above``), from the ``oneOf`` its schema declares; () for a section without one."""
    extra = model.model_config.get("json_schema_extra")
    branches = extra.get("oneOf") if isinstance(extra, dict) else None
    names: list[str] = []
    for branch in branches if isinstance(branches, list) else ():
        required = branch.get("required") if isinstance(branch, dict) else None
        if isinstance(required, list) and len(required) == 1 and isinstance(required[0], str):
            names.append(required[0])
    return tuple(names)


#: A required field that another one stands for: a lab result given as a bound has no value.
ALTERNATIVES: Final[Mapping[str, tuple[str, ...]]] = {"value": ("value", "below", "above")}


def missing_fields(section: Mapping[str, Any], required: tuple[str, ...]) -> list[str]:
    """The fields of ``required`` (a group's, ``groups``) that ``section`` does not give."""
    return [name for name in required if not any(alt in section for alt in ALTERNATIVES.get(name, (name,)))]


def same_value(a: Any, b: Any) -> bool:
    """Equal and of the same JSON type (True is not 1)."""
    return (type(a) is type(b) and a == b) or (
        isinstance(a, (int, float))
        and isinstance(b, (int, float))
        and not isinstance(a, bool)
        and not isinstance(b, bool)
        and a == b
    )


# -- dotted paths -------------------------------------------------------------------------------


def get_path(data: Mapping[str, Any], path: str) -> Any:
    current: Any = data
    for part in path.split("."):
        if not isinstance(current, Mapping) or part not in current:
            return MISSING
        current = current[part]
    return current


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    current = data
    for part in parents:
        current = current.setdefault(part, {})
    current[last] = value


def delete_path(data: dict[str, Any], path: str) -> None:
    parts = path.split(".")
    chain = [data]
    for part in parts[:-1]:
        chain.append(chain[-1][part])
    del chain[-1][parts[-1]]
    for depth in range(len(parts) - 2, -1, -1):  # remove sections left empty
        if not chain[depth + 1]:
            del chain[depth][parts[depth]]


def leaf_paths(data: Mapping[str, Any], prefix: str = "") -> list[str]:
    out = []
    for key, value in data.items():
        if isinstance(value, Mapping):
            out += leaf_paths(value, f"{prefix}{key}.")
        else:
            out.append(prefix + key)
    return out

