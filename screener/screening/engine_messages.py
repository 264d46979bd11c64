"""What the rules engine is sent: a fact as the JSON text it reads, and the fields of a fact a
step's rules test (all a step's fact need carry).

The C engine flattens a fact's objects into one table of properties, and at each node of a step's
rules it goes through every property of the fact: a field no rule of the step tests costs the
engine its parsing, its share of that walk and its copy in every rule's action, and cannot change
what fires. So each step's fact carries only the fields its rules test (``Shape``); the screener
builds it so from the facts it knows (``Shape.builder``), in one pass, without building the whole
fact first.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

try:
    import orjson as _orjson
except ImportError:  # pragma: no cover - a core dependency; engine_json does the same, slower
    _orjson = None  # type: ignore[assignment]

#: A shape naming at most this many facts builds its message by looking each one up; a larger
#: one goes through the facts known (a person has about 25).
_LOOKED_UP = 32
#: The same inside an object ("count": each tally tested looked up, not every tally gone through).
_LOOKED_UP_INSIDE = 4
_MISSING = object()


def engine_json(value: Any) -> str:
    """``json.dumps(value)``, except that a float in exponent form always has a decimal point."""
    text = _encode(value)
    if "e+" in text or "e-" in text:  # rare: only a float so written, or a string holding it
        text = _exponent_safe(value)
    return text


def fact_json(value: Any) -> str:
    """A fact as the engine reads it: ``engine_json`` for its meaning, written by orjson when it
    can (a tenth of the time, for the facts of every step of every record).

    orjson writes no spaces, writes text as UTF-8 (so only plain ASCII text is taken from it: the
    patterns were compiled with ``\\u`` escapes) and refuses integers beyond 64 bits; a float in
    exponent form it writes with a sign (``1e-7``, ``1e+20``), which the guard of
    ``engine_json`` catches as well.
    """
    if _orjson is None:
        return engine_json(value)
    try:
        data = _orjson.dumps(value)
    except TypeError:
        return engine_json(value)
    if not data.isascii():
        return engine_json(value)
    text = data.decode("ascii")
    # A sign is rare in a fact (no answer is negative), and one character is found many times
    # faster than two: the exponent is looked for only after a sign.
    if ("-" in text or "+" in text) and ("e+" in text or "e-" in text):
        return _exponent_safe(value)
    return text


def _plain_encoder() -> Callable[[Any], str]:
    """``json.dumps`` with its default options, without building an encoder on every call."""
    try:
        from json.encoder import c_make_encoder, encode_basestring_ascii  # type: ignore[attr-defined]

        encoder = c_make_encoder(None, None, encode_basestring_ascii, None, ": ", ", ", False, False, True)
        if "".join(encoder({"a": [1.5, True, None, "é"]}, 0)) != json.dumps({"a": [1.5, True, None, "é"]}):
            raise ValueError("a different encoder")
    except Exception:  # no C accelerator, or another signature: the documented way
        return json.dumps
    return lambda value: "".join(encoder(value, 0))


_encode = _plain_encoder()


def _exponent_safe(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(key))}: {_exponent_safe(item)}" for key, item in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_exponent_safe(item) for item in value) + "]"
    text = json.dumps(value)
    if isinstance(value, float) and "e" in text and "." not in text:
        mantissa, _, exponent = text.partition("e")
        text = f"{mantissa}.0e{exponent}"
    return text


_PATTERN_OPERATORS = frozenset({"$lt", "$lte", "$gt", "$gte", "$neq", "$ex", "$nex"})


def tested_fields(pattern: Mapping[str, Any]) -> Iterator[str]:
    """The (dotted) field names a compiled pattern tests."""
    for key, body in pattern.items():
        if key in ("$and", "$or"):
            for part in body:
                yield from tested_fields(part)
        elif key in _PATTERN_OPERATORS:
            yield from body
        else:
            yield key


def step_of(pattern: Mapping[str, Any]) -> str | None:
    """The step a pattern is for (``{"$and": [{"step": ...}, ...]}``), or None when it does not say
    plainly (then its fields count for every step)."""
    parts = pattern.get("$and", [pattern]) if len(pattern) == 1 else [pattern]
    return next((part["step"] for part in parts if isinstance(part.get("step"), str)), None)


class Shape:
    """The fields of a fact a step's rules test: ``names`` at this level, ``nested`` the shapes of
    those of them whose parts alone are tested (the others are tested whole)."""

    __slots__ = ("names", "nested")

    def __init__(self, fields: Iterable[str]) -> None:
        whole: set[str] = set()
        parts: dict[str, list[str]] = {}
        for name in fields:
            first, dot, rest = name.partition(".")
            if dot:
                parts.setdefault(first, []).append(rest)
            else:
                whole.add(first)
        self.names = frozenset(whole | parts.keys())
        self.nested: tuple[tuple[str, Shape], ...] = tuple((name, Shape(inner)) for name, inner in sorted(parts.items()) if name not in whole)

    def of(self, value: dict[str, Any]) -> dict[str, Any]:
        """The parts of ``value`` this shape names, in ``value``'s order (``value`` itself when that
        is all of it). An object none of whose tested parts is present is left out, as if absent."""
        kept = value if value.keys() <= self.names else {key: item for key, item in value.items() if key in self.names}
        for name, inner in self.nested:
            item = kept.get(name)
            if isinstance(item, dict):
                part = inner.of(item)
                if part is not item:
                    if kept is value:
                        kept = dict(value)
                    if part:
                        kept[name] = part
                    else:
                        del kept[name]
        return kept

    def builder(self) -> Callable[[Mapping[str, Any]], dict[str, Any]]:
        """``of`` as a function compiled for this shape, reading the facts known so far (not a
        message: without the step's name, and holding every fact, tested or not): the parts of
        them this shape names, each object of which only parts are tested copied with those
        parts alone (left out when it has none of them). Its keys are in the facts' order, or in
        the alphabet's when the shape names few facts (each then looked up: a person has about
        25). What it builds is what ``of`` keeps of the same facts (tests/test_speedups.py)."""
        constants: dict[str, Any] = {"MISSING": _MISSING}
        top = sorted(self.names - {"step"})
        if len(top) <= _LOOKED_UP:
            lines = ["m = {}"]
            for name in top:
                lines += [f"v = facts.get({name!r}, MISSING)", f"if v is not MISSING: m[{name!r}] = v"]
        else:
            constants["NAMES"] = frozenset(top)
            lines = ["m = {k: v for k, v in facts.items() if k in NAMES}"]
        self._nested_lines("m", lines, constants, "", 0)
        lines.append("return m")
        text = "def message(facts):\n" + "".join(f"    {line}\n" for line in lines)
        namespace = dict(constants)
        exec(compile(text, "<engine message>", "exec"), namespace)  # our own source, from the rules' patterns
        built: Callable[[Mapping[str, Any]], dict[str, Any]] = namespace["message"]
        return built

    def _nested_lines(self, into: str, lines: list[str], constants: dict[str, Any], indent: str, depth: int) -> None:
        """The lines that cut each object of ``into`` of which only parts are tested down to those
        parts (as ``of`` does: an object left with none of them is left out, as if absent)."""
        group, part = f"g{depth}", f"p{depth}"
        for name, inner in self.nested:
            lines += [f"{indent}{group} = {into}.get({name!r})", f"{indent}if {group}.__class__ is dict:"]
            body = indent + "    "
            if len(inner.names) <= _LOOKED_UP_INSIDE:
                lines.append(f"{body}{part} = {{}}")
                for inner_name in sorted(inner.names):
                    lines += [
                        f"{body}v = {group}.get({inner_name!r}, MISSING)",
                        f"{body}if v is not MISSING: {part}[{inner_name!r}] = v",
                    ]
            else:
                names = f"N{len(constants)}"
                constants[names] = inner.names
                # (A loop, not a comprehension: these objects have a few parts, and a comprehension
                # is a call of its own.) An object with no other parts is sent as it is, unless
                # parts of its parts are cut.
                if not inner.nested:
                    lines += [f"{body}if {group}.keys() <= {names}:", f"{body}    {part} = {group}", f"{body}else:"]
                    loop = body + "    "
                else:
                    loop = body
                lines += [
                    f"{loop}{part} = {{}}",
                    f"{loop}for k, v in {group}.items():",
                    f"{loop}    if k in {names}: {part}[k] = v",
                ]
            inner._nested_lines(part, lines, constants, body, depth + 1)
            lines += [
                f"{body}if {part} or not {group}:",
                f"{body}    {into}[{name!r}] = {part}",
                f"{body}else:",
                f"{body}    del {into}[{name!r}]",
            ]
