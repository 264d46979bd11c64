"""Batch output written by orjson: the very bytes the standard library writes, ten times faster.

Every JSON output of mgk-screen was written by ``json.dumps(..., ensure_ascii=False,
separators=(",", ":"), allow_nan=False)`` then made terminal-safe; orjson writes some numbers and
characters differently, so those entries go the standard way (``screener.batch.encoding``).
"""

from __future__ import annotations

import json
import math
import random
import re
import struct
from typing import Any

import pytest

from screener.batch import encoding
from screener.batch.encoding import json_bytes, standard_json_bytes
from screener.errors import terminal_safe
from screener.screening.engine import engine_json, fact_json
from screener.synthetic import diverse_cohort

_EXPONENT_FORM = re.compile(r"(?<=[:,\[])(-?[0-9.]+)[eE]")


def _stdlib(value: Any) -> bytes:
    return terminal_safe(json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)).encode("utf-8")


def _floats(count: int, seed: int) -> list[float]:
    rng = random.Random(seed)
    numbers = [0.0, -0.0, 1e-7, 1e-5, 0.0001, 0.00011, 1e15, 1e16, 1e20, 1.5e16, 5e-324, 1.7976931348623157e308, 0.1, 1 / 3]
    numbers += [m * 10.0**e for e in range(-320, 308, 7) for m in (1, 1.5, 9.999999999999999)]
    while len(numbers) < count:
        kind = rng.random()
        if kind < 0.4:
            number = struct.unpack("d", struct.pack("Q", rng.getrandbits(64)))[0]
            if math.isnan(number) or math.isinf(number):
                continue
        elif kind < 0.8:
            number = rng.uniform(-1, 1) * 10 ** rng.randint(-30, 30)
        else:
            number = round(rng.uniform(0, 100) * 10 ** rng.randint(-8, 20), rng.randint(0, 12))
        numbers.append(number)
    return numbers


def test_every_float_is_written_as_python_writes_it() -> None:
    # orjson writes 1e-7 where Python writes 1e-07, and 0.00001 where Python writes 1e-05.
    for number in _floats(40_000, seed=1):
        value = {"id": "x1e-5-0.0000", "v": [number, {"a": number}], "n": -number}
        assert json_bytes(value) == _stdlib(value), number


@pytest.mark.parametrize(
    "text",
    ["plain", "café ≥ 5 µg", "line\nbreak\ttab", "\x00\x01\x1b[31m", "del \x7f", "c1 \x85 \x9b", "\u2028\u2029", '"quotes" \\ /', "e-5 1e-5, null"],
)
def test_every_character_is_written_as_before_and_controls_are_terminal_safe(text: str) -> None:
    value = {"id": text, "warnings": [text], text: text}
    assert json_bytes(value) == _stdlib(value)


def test_what_orjson_refuses_is_written_the_standard_way() -> None:
    for value in ({"big": 10**30}, {"keys": {1: "a", 2.5: "b", None: "c"}}, {"deep": [[[[1.5]]]]}):
        assert json_bytes(value) == _stdlib(value)


def test_a_lone_surrogate_is_written_as_text_as_before() -> None:
    value = {"id": "a\ud800b", "list": ["\udfff"]}
    assert json_bytes(value) == b'{"id":"a\\\\ud800b","list":["\\\\udfff"]}'
    assert json.loads(json_bytes(value)) == {"id": "a\\ud800b", "list": ["\\udfff"]}


@pytest.mark.parametrize("number", [float("nan"), float("inf"), -float("inf")])
def test_nan_or_infinity_in_an_entry_is_refused_not_written(number: float) -> None:
    with pytest.raises(ValueError):
        json_bytes({"value": number})


def test_entries_of_diverse_people_are_the_bytes_of_the_standard_library(screener: Any) -> None:
    for answers in diverse_cohort(300, seed=81):
        for detail in ("lean", "full"):
            entry = screener.screen_entry(answers, detail=detail)
            assert json_bytes(entry) == _stdlib(entry)


def test_without_orjson_the_standard_library_writes_the_same(monkeypatch: pytest.MonkeyPatch, screener: Any) -> None:
    entries = [screener.screen_entry(answers, detail="lean") for answers in diverse_cohort(50, seed=82)]
    expected = [json_bytes(entry) for entry in entries]
    monkeypatch.setattr(encoding, "orjson", None)
    assert [json_bytes(entry) for entry in entries] == expected == [standard_json_bytes(entry) for entry in entries]


def test_facts_reach_the_engine_with_their_meaning_whoever_writes_them() -> None:
    # fact_json (orjson) and engine_json (the standard library, with the engine's exponent guard)
    # may space the text differently; the values they carry are the same.
    for number in _floats(5_000, seed=2):
        fact = {"step": "s", "k": number, "nested": {"k": [number, True, "é"]}}
        assert json.loads(fact_json(fact)) == json.loads(engine_json(fact)) == fact
        # The engine's parser refuses an exponent without a decimal point (1e-07): never sent.
        assert all("." in mantissa for mantissa in _EXPONENT_FORM.findall(fact_json(fact))), number
