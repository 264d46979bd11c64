"""Decoding a record: orjson reads it when its value is certainly the strict decoder's, and the
value, or the fault (message, position, kind), is always the one the strict decoder gives."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screener.batch import json_fast
from screener.batch import records as batch_records
from screener.batch.json_text import JsonFault, decode_document

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def outcome(text: str, *, fast: bool) -> tuple[object, ...]:
    """What decoding gives: the value (its repr tells 1 from 1.0 and True, -0.0 from 0.0, and
    shows key order) or the fault with its message, position and kind."""
    try:
        value = decode_document(text, fast=fast)
    except JsonFault as fault:
        return ("fault", fault.message, fault.index, fault.kind)
    return ("value", repr(value))


def assert_same_as_strict(text: str) -> None:
    assert outcome(text, fast=True) == outcome(text, fast=False), text[:200]


def taken_fast(text: str) -> bool:
    return json_fast.decode_if_certain(text) is not None


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


# Texts the fast path reads itself: it must give exactly the strict decoder's value.
READ_FAST = [
    '{"id": "a", "age": 74}',
    '{"id":"a","age":74}\n',
    ' \t\r\n{"id": "a"} \t\r\n',
    "{}",
    "[]",
    '{"a": {}, "b": [], "c": [{}], "d": [[]]}',
    "0.1",
    "1e-7",
    "5e-324",
    "2.4703282292062327e-324",  # halfway to the smallest subnormal: rounds to 0.0
    "2.4703282292062328e-324",
    "2.2250738585072011e-308",
    "1.7976931348623157e308",
    "1.7976931348623158e308",  # rounds down to the largest double
    "1e-400",
    "-0.0",
    "-0",
    "-0e0",
    "100e-2",
    "1E5",
    "0.30000000000000004",
    "9007199254740993",
    str(2**63 - 1),
    str(-(2**63)),
    str(10**18 - 1),
    str(2**63),  # 64 bits, written back as the text itself
    str(2**64 - 1),
    '"\\u00e9"',
    '"é"',
    '"\\ud83d\\ude00"',
    '"😀"',
    '"\\"quoted\\" \\\\ \\/ \\b\\f\\n\\r\\t"',
    '"\\u0000"',
    '"\\u2028 \u2028 \x7f"',
    '{"taken": "12:30", "url": "https://example.org/a:b"}',
    '{"a" : 1 , "b" :2}',
    '{"\\u0061": 1, "b": 2}',
    "true",
    "null",
    '"just text"',
    "42",
    nested(254),
]

# Texts the fast path leaves to the strict decoder (which may still accept them).
LEFT_TO_STRICT = [
    '{"age": 30, "age": 90}',
    '{"age":30,"age":30}',
    '{"labs": {"k": 1, "k": 2}}',
    '[{"a": 1}, {"b": 1, "b": 1}]',
    '{"a": 1, "\\u0061": 2}',  # the same key, written two ways
    '{"a": "x:y", "a": "z"}',
    '{"a\\u003a": 1, "a:": 2}',
    '{"a": 1, "a": "\\u003a"}',  # as many colons as the value written back
    '{"note": "1:2", "a": 1, "a": 2}',
    "[9223372036854775808, 1]",  # read alike, but 19 digits in a text orjson would write otherwise
    str(2**64),
    str(-(2**63) - 1),
    str(10**30),
    '{"age": 1' + "0" * 5000 + "}",
    '{"id": "1234567890123456789"}',
    "0.12345678901234567890",
    "1e400",
    "-1e400",
    "1.7976931348623159e308",
    "NaN",
    '{"a": -Infinity}',
    '"\\ud800"',
    '"\\udc00"',
    '"\\ud800\\u0041"',
    '{"\\ud800": 1}',
    '"\ud800"',
    nested(255),
    nested(1010),
    nested(50_000),
    "",
    " ",
    "\ufeff{}",
    "\f{}",
    "{}\f",
    "\u00a0{}",
    '"a\tb"',
    '"a\x00b"',
    "[1,]",
    '{"a": 1,}',
    "01",
    "1.",
    ".5",
    "+1",
    "-",
    "1e",
    "1 2",
    "[1] x",
    "{} {}",
    '"\\x41"',
    "'a'",
    '{"a" 1}',
    '{a: 1}',
    "[1, 2",
    '{"a": "unterminated',
    "tru",
    "1/*c*/",
]


@pytest.mark.parametrize("text", READ_FAST, ids=range(len(READ_FAST)))
def test_the_fast_path_reads_plain_json_exactly_as_the_strict_decoder(text: str) -> None:
    assert taken_fast(text)
    assert_same_as_strict(text)


@pytest.mark.parametrize("text", LEFT_TO_STRICT, ids=range(len(LEFT_TO_STRICT)))
def test_doubtful_text_is_left_to_the_strict_decoder(text: str) -> None:
    assert not taken_fast(text)
    assert_same_as_strict(text)


def test_a_key_given_twice_is_still_refused_with_where_it_is_given_again() -> None:
    text = '{"id": "a", "age": 30, "age": 90}'
    assert outcome(text, fast=True) == (
        "fault",
        "the field 'age' is given twice in one object (which value is meant?)",
        text.rindex('"age"'),
        "text",
    )


def test_a_big_integer_stays_an_integer() -> None:
    assert decode_document('{"count": 18446744073709551616}') == {"count": 2**64}


def test_every_example_record_is_read_fast_and_alike() -> None:
    lines = (EXAMPLES / "cohort.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines
    for line in lines:
        assert taken_fast(line), line
        assert_same_as_strict(line)


def test_a_record_with_too_many_values_is_refused_as_before() -> None:
    """Fewer commas than the limit (so not counted out before decoding), but more values."""
    text = "[" + ",".join(["[1]"] * 6000) + "]\n"
    assert taken_fast(text)
    limit = batch_records.MAX_RECORD_VALUES
    assert outcome(text, fast=True) == ("fault", f"record too large (more than {limit} values)", 0, "large")
    assert_same_as_strict(text)


def test_a_fhir_bundle_may_hold_more_values() -> None:
    text = '{"resourceType": "Bundle", "entry": [' + ",".join(['{"r": [1]}'] * 6000) + "]}"
    assert taken_fast(text)
    assert_same_as_strict(text)
    assert outcome(text, fast=True)[0] == "value"


# ---------------------------------------------------------------- generated and mutated records

KEYS = st.sampled_from(["a", "b", "age", "k:", "é", "😀", 'q"', "\\"])
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.integers(min_value=-1000, max_value=1000),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
)
# Objects as lists of members, so that a key may come twice.
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(st.tuples(KEYS, inner), max_size=4).map(lambda members: ("object", members)),
    ),
    max_leaves=12,
)


def write(value: object, draw_space: random.Random) -> str:
    """JSON text of a generated value, spaced and escaped in varied ways."""
    space = draw_space.choice(["", " ", "\n  ", "\t"])
    if isinstance(value, tuple):
        members = [
            f"{json.dumps(key, ensure_ascii=draw_space.random() < 0.5)}{space}:{space}{write(item, draw_space)}"
            for key, item in value[1]
        ]
        return "{" + space + ("," + space).join(members) + space + "}"
    if isinstance(value, list):
        return "[" + ("," + space).join(write(item, draw_space) for item in value) + "]"
    return json.dumps(value, ensure_ascii=draw_space.random() < 0.5)


SIGNIFICANT = ['"', "{", "}", "[", "]", ",", ":", "\\", "\\u", "\\ud800", "0", "9" * 19, "-", ".", "e", "E", " ", "\n", "\t", "\x00", "é", "n", "t"]


def mutate(text: str, chance: random.Random) -> str:
    index = chance.randrange(len(text) + 1)
    kind = chance.randrange(3)
    if kind == 0:
        return text[:index] + text[index + 1 :]
    if kind == 1:
        return text[:index] + chance.choice(SIGNIFICANT) + text[index:]
    return text[:index] + text[index:][::-1][:1] + text[index + 1 :]


@settings(max_examples=400, deadline=None)
@given(VALUES, st.randoms(use_true_random=False))
def test_generated_json_reads_alike(value: object, chance: random.Random) -> None:
    assert_same_as_strict(write(value, chance))


@settings(max_examples=400, deadline=None)
@given(VALUES, st.randoms(use_true_random=False), st.integers(min_value=1, max_value=3))
def test_mutated_json_reads_alike(value: object, chance: random.Random, mutations: int) -> None:
    text = write(value, chance)
    for _ in range(mutations):
        text = mutate(text, chance)
    assert_same_as_strict(text)


def test_mutated_example_records_read_alike() -> None:
    chance = random.Random(17)
    lines = (EXAMPLES / "cohort.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    compact = [json.dumps(json.loads(line), separators=(",", ":"), ensure_ascii=False) for line in lines]
    for line in lines + compact:
        for _ in range(40):
            text = line
            for _ in range(chance.randint(1, 3)):
                text = mutate(text, chance)
            assert_same_as_strict(text)
