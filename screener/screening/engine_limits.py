"""What the durable-rules C engine can take, checked before a rule folder reaches it.

The engine has fixed-size tables and no checks on some of them: past them it does not report an
error but crashes the process (``munmap_chunk(): invalid pointer``, a segfault) or loops for
ever holding the GIL, deaf to Ctrl-C. The limits were read from its C source (2.0.28,
``src/rules/rete.c``, ``events.c``, ``state.c``; byte-identical to jruizgit/rules HEAD) and
measured one by one in child processes (issue 12). This module checks a loaded ruleset against
them, keeping a margin below each, so that any rule folder that loads also runs
(tests/test_engine_crash_sweep.py runs folders grown to these limits):

==========================================  ============  ===============================================
limit (ours)                                engine        what happens past the engine's limit
==========================================  ============  ===============================================
rules in a ruleset: 1,000                   4,096         error 106
rules in one step: 200                      511 tests     creation never returns (3,000 rules: segfault)
values in one ``in``/``not_in``: 64         511 tests     creation or every assert never returns
``all``/``any`` nested: 6 deep              15 and/or     error 113 (600 deep: Python's recursion limit)
and/or per compiled rule: 12                15            error 113
comparisons in one rule: 32                 (252 fields)  error 302
steps: 32                                   511 tests     creation never returns
tests below one node of the network: 256    511           creation or every assert never returns
not-present tests and "or" links: 64        128           error 107 (after reading past a table)
rules ending at one node: 64                256           error 108 (after reading past a table)
tests waiting on one assert: 56             64            error 303, then a crash (60 always-firing rules)
fields in one step's fact: 200              252           error 302
text compared by the engine: 256 chars      65,535 bytes  silently wrong answers
numbers compared: within +/- 10^9           (int64)       (schema: no rule needs more)
==========================================  ============  ===============================================

The adapter compiles each step into a ruleset of its own (``engine``): the engine's limits per
ruleset then hold for each step's, and the model below (all steps under one root, each step's
tests under its own step test) bounds each step's network exactly as it did one ruleset's.

The first group is read from the rules; the network ones come from a model of how the engine
builds its network (``rete.c``: ``createAlpha``, ``findAlpha``, ``linkAlpha``), which shares
identical tests under the same parent exactly as the engine does. "Tests waiting on one
assert" is a sound upper bound over every possible fact: a matched test is pushed on a stack of
64 entries, and visiting it pushes every matching test below it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from screener.screening.ruleset_model import Ruleset

MAX_RULES: Final = 1000
MAX_RULES_PER_STEP: Final = 200
MAX_STEPS: Final = 32
MAX_IN_VALUES: Final = 64
MAX_NESTING: Final = 6
MAX_AND_OR: Final = 12
MAX_COMPARISONS: Final = 32
MAX_TESTS_PER_NODE: Final = 256
MAX_LINKS_PER_NODE: Final = 64
MAX_RULES_PER_NODE: Final = 64
MAX_WAITING_TESTS: Final = 56
MAX_FACT_FIELDS: Final = 200
MAX_TEXT_VALUE: Final = 256
MAX_NUMBER: Final = 10**9

#: Names the engine or the adapter put in every fact: a fact of the catalogue may not use them.
RESERVED_NAMES: Final = frozenset({"step", "sid", "id", "count", "m"})

_OPERATORS: Final = {"$lt": "lt", "$lte": "lte", "$gt": "gt", "$gte": "gte", "$neq": "neq", "$ex": "ex", "$nex": "nex"}


# In a rule file: the file's object, "rules", a rule, then its "when": each "all"/"any" adds an
# object and an array, and a comparison an object (and an array for "in").
_RULE_DEPTH = 3
_WHEN_DEPTH_LIMIT = _RULE_DEPTH + 2 * MAX_NESTING + 2
_FILE_DEPTH_LIMIT = 64
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"\s*:?|[\[\]{}]')


def nesting_problems(text: str, source: str) -> list[str]:
    """Conditions nested more than ``MAX_NESTING`` deep in a rule file, found in its text before
    it is parsed: a condition 600 or 10^5 deep must be reported with its rule, not overflow
    Python's stack in the JSON parser or the schema validator."""
    depth = 0
    rule_id: str | None = None
    rule_number = 0
    in_when = False
    for token in _TOKEN.finditer(text):
        kind = token.group()
        if kind in "[{":
            depth += 1
            if depth == _RULE_DEPTH:
                rule_id, rule_number, in_when = None, rule_number + 1, False
            limit = _WHEN_DEPTH_LIMIT if in_when else _FILE_DEPTH_LIMIT
            if depth > limit:
                return [_too_deep(source, rule_id, rule_number if depth > _RULE_DEPTH else 0, in_when, text, token.start())]
        elif kind in "]}":
            depth -= 1
        elif depth == _RULE_DEPTH and kind.endswith(":"):
            in_when = kind.rstrip(": \t\r\n") == '"when"'
            if kind.rstrip(": \t\r\n") == '"id"':
                value = _TOKEN.match(text, _skip_space(text, token.end()))
                rule_id = value.group().strip('"') if value and value.group().startswith('"') else None
    return []


def _skip_space(text: str, index: int) -> int:
    while index < len(text) and text[index] in " \t\r\n":
        index += 1
    return index


def _too_deep(source: str, rule_id: str | None, rule_number: int, in_when: bool, text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    if in_when:
        name = f"rule {rule_id!r}" if rule_id else f"rule number {rule_number}"
        return (
            f"{source}: {name}, field 'when': 'all'/'any' nested more than {MAX_NESTING} deep (line {line}; the rules "
            "engine cannot take much more)"
        )
    return f"{source}: line {line}: nested more than {_FILE_DEPTH_LIMIT} deep"


def ruleset_problems(ruleset: Ruleset, patterns: Mapping[str, dict[str, Any]]) -> list[str]:
    """Every limit the loaded ruleset exceeds, as "file: rule 'id', field ...: what" messages.

    ``patterns`` are the compiled rules exactly as the engine gets them (rule id -> pattern).
    The network is only modelled when the per-rule limits hold (so that it stays small).
    """
    problems = list(_size_problems(ruleset, patterns))
    problems += _fact_field_problems(ruleset)
    if not problems:
        problems += _network_problems(ruleset, patterns)
    return problems


def _size_problems(ruleset: Ruleset, patterns: Mapping[str, dict[str, Any]]) -> Iterator[str]:
    folder = f"{ruleset.folder}/ruleset.json"
    if len(ruleset.rules) > MAX_RULES:
        yield f"{folder}: {len(ruleset.rules)} rules (at most {MAX_RULES})"
    if len(ruleset.steps) > MAX_STEPS:
        yield f"{folder}, field 'steps': {len(ruleset.steps)} steps (at most {MAX_STEPS})"
    for step in ruleset.step_ids:
        count = len(ruleset.rules_for_step(step))
        if count > MAX_RULES_PER_STEP:
            yield f"{folder}: step '{step}' has {count} rules (at most {MAX_RULES_PER_STEP} in one step)"
    for rule in ruleset.rules:
        where = f"{rule.file}: rule '{rule.id}', field 'when'"
        comparisons = sum(1 for _ in rule.condition.leaves())
        if comparisons > MAX_COMPARISONS:
            yield f"{where}: {comparisons} comparisons (at most {MAX_COMPARISONS} in one rule)"
        and_or = _count_and_or(patterns[rule.id])
        if and_or > MAX_AND_OR:
            yield (
                f"{where}: compiles to {and_or} 'all'/'any' groups for the engine (at most {MAX_AND_OR}; each "
                "'all'/'any' of two or more parts, 'in' of two or more values, 'is_not' and 'not_in' count)"
            )


def _count_and_or(pattern: Any) -> int:
    count = 0
    stack = [pattern]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("$and", "$or"):
                    count += 1
                    stack.extend(value)
    return count


def _fact_field_problems(ruleset: Ruleset) -> list[str]:
    """A step's fact carries every answer and conclusion its rules test (nested ones count each
    level, as the engine flattens them): at most ``MAX_FACT_FIELDS`` fields."""
    problems = []
    prefixes: dict[str, set[str]] = {}
    for name in ruleset.facts:
        parts = name.split(".")
        prefixes.setdefault(parts[0], set()).update(".".join(parts[: n + 1]) for n in range(len(parts)))
    for step, keys in ruleset.keys_tested_by_step.items():
        fields = 1 + sum(len(prefixes.get(key, {key})) for key in keys)  # + the step itself
        if fields > MAX_FACT_FIELDS:
            problems.append(
                f"{ruleset.folder}/ruleset.json: step '{step}' tests facts holding {fields} fields in all "
                f"(at most {MAX_FACT_FIELDS}: the engine takes 252 at most)"
            )
    return problems


# -- a model of the engine's network --------------------------------------------------------------


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "int" if isinstance(value, int) else "double"
    return "string" if isinstance(value, str) else "other"


@dataclass(eq=False)
class _Test:
    """One node of the engine's network: a test of one fact field (or an "or" junction)."""

    fact: str
    op: str  # eq, neq, lt, lte, gt, gte, ex, nex; "or" for the junction of an "any"
    value: Any = None
    hashed: dict[tuple[str, ...], _Test] = field(default_factory=dict)
    """Children the engine keeps in its 512-slot hash set (every test but "nex" and "or")."""
    linked: list[_Test] = field(default_factory=list)
    """Children in its 128-entry list: "nex" tests and "or" junctions."""
    ending: list[str] = field(default_factory=list)
    """Rules whose pattern ends here (the engine's 256-entry list)."""
    rules: set[str] = field(default_factory=set)

    def children(self) -> Iterator[_Test]:
        yield from self.linked
        yield from self.hashed.values()


class _Network:
    def __init__(self) -> None:
        self.root = _Test("", "root")
        self.tests = [self.root]

    def add(self, rule_id: str, pattern: dict[str, Any]) -> None:
        end = self._test(pattern, self.root, rule_id)
        end.ending.append(rule_id)

    def _test(self, expression: dict[str, Any], parent: _Test, rule_id: str) -> _Test:
        ((key, body),) = expression.items()
        if key == "$and":
            current = parent
            for part in body:
                current = self._test(part, current, rule_id)
            return current
        if key == "$or":
            junction = self._new(_Test("", "or"), rule_id)
            for part in body:
                self._test(part, parent, rule_id).linked.append(junction)
            return junction
        if key in _OPERATORS:
            ((name, value),) = body.items()
            return self._find(parent, _OPERATORS[key], name, value, rule_id)
        return self._find(parent, "eq", key, body, rule_id)

    def _find(self, parent: _Test, op: str, name: str, value: Any, rule_id: str) -> _Test:
        # The engine shares a test with one already under the same parent when the field, the
        # operator, the value's type and the value are the same (a null value is never shared).
        key: tuple[str, ...] = (name, op, _kind(value), repr(value))
        if op == "nex":
            for test in parent.linked:
                if (test.fact, test.op, _kind(test.value), repr(test.value)) == key:
                    test.rules.add(rule_id)
                    return test
            test = self._new(_Test(name, op, value), rule_id)
            parent.linked.append(test)
            return test
        if value is None:
            key = (*key, str(len(parent.hashed)))
        shared = parent.hashed.get(key)
        if shared is None:
            shared = parent.hashed[key] = self._new(_Test(name, op, value), rule_id)
        shared.rules.add(rule_id)
        return shared

    def _new(self, test: _Test, rule_id: str) -> _Test:
        test.rules.add(rule_id)
        self.tests.append(test)
        return test

    def waiting(self, test: _Test, memo: dict[int, int]) -> int:
        """An upper bound of the tests waiting on the engine's stack while visiting ``test``'s
        subtree: every child may match, but of one field's equality tests of one type, one."""
        if id(test) in memo:
            return memo[id(test)]
        memo[id(test)] = 0
        candidates: list[_Test] = list(test.linked)
        equal: dict[tuple[str, str], list[_Test]] = {}
        for child in test.hashed.values():
            if child.op == "eq":
                equal.setdefault((child.fact, _kind(child.value)), []).append(child)
            else:
                candidates.append(child)
        candidates += [max(group, key=lambda child: self.waiting(child, memo)) for group in equal.values()]
        deepest = max((self.waiting(child, memo) for child in candidates), default=0)
        count = len(candidates)
        memo[id(test)] = max(count, count - 1 + deepest) if count else 0
        return memo[id(test)]


def _network(ruleset: Ruleset, patterns: Mapping[str, dict[str, Any]]) -> _Network:
    network = _Network()
    for rule_id, pattern in patterns.items():
        network.add(rule_id, pattern)
    for step in ruleset.step_ids:  # the adapter's catch-all rule of each step
        network.add(f"__catch_all__{step}", {"step": step})
    return network


def step_headroom(ruleset: Ruleset) -> list[tuple[str, int, int]]:
    """Per step, in chain order: its rules and the tests that may wait on one assert in it (the
    bound ``MAX_WAITING_TESTS`` limits), for ``rules check`` to show how much room each step has."""
    network = _network(ruleset, ruleset.engine_patterns)
    memo: dict[int, int] = {}
    waiting = {step_test.value: network.waiting(step_test, memo) for step_test in network.root.hashed.values()}
    return [(step, len(ruleset.rules_for_step(step)), waiting.get(step, 0)) for step in ruleset.step_ids]


def _network_problems(ruleset: Ruleset, patterns: Mapping[str, dict[str, Any]]) -> list[str]:
    network = _network(ruleset, patterns)
    files = {rule.id: rule.file for rule in ruleset.rules}
    problems = []
    for test in network.tests:
        for size, limit, what in (
            (len(test.hashed), MAX_TESTS_PER_NODE, "different tests right after one shared test"),
            (len(test.linked), MAX_LINKS_PER_NODE, "'is_not'/'not_in'/'present: false' tests and 'any' branches joining after one shared test"),
            (len(test.ending), MAX_RULES_PER_NODE, "rules with the very same condition"),
        ):
            if size > limit:
                problems.append(f"{_rules_named(test.rules, files)}, field 'when': {size} {what} (at most {limit})")
    memo: dict[int, int] = {}
    for step_test in network.root.hashed.values():
        waiting = network.waiting(step_test, memo)
        if waiting > MAX_WAITING_TESTS:
            problems.append(
                f"{_rules_named(step_test.rules, files)}, field 'when': in step '{step_test.value}', up to {waiting} "
                f"tests may hold at once for one set of answers (at most {MAX_WAITING_TESTS}; the engine "
                "crashes at 65): too many rules of the step whose first comparisons differ can all be true together"
            )
    return problems


def _rules_named(rule_ids: Iterable[str], files: Mapping[str, str]) -> str:
    named = sorted(rule_id for rule_id in rule_ids if rule_id in files)
    by_file: dict[str, list[str]] = {}
    for rule_id in named:
        by_file.setdefault(files[rule_id], []).append(rule_id)
    parts = []
    for file, ids in by_file.items():
        shown = ", ".join(f"'{rule_id}'" for rule_id in ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
        parts.append(f"{file}: rule{'s' if len(ids) > 1 else ''} {shown}")
    return "; ".join(parts) or "the rules"


# -- the backstop: the engine itself, in a child process ----------------------------------------

#: How long ``rules check`` lets the engine compile a rule folder in a child process.
COMPILE_CHECK_SECONDS = 20.0

_COMPILE_AND_PROBE = """
import sys
from screener.screening.ruleset import load_ruleset

# Without the model's check: this is the engine's own say.
ruleset = load_ruleset(sys.argv[1] or None, engine_limits=False)
engine = ruleset.engine
for step in ruleset.step_ids:
    with engine.session() as session:
        session.fire({"step": step})
print("compiled")
"""


def compile_in_child(folder: str | None, seconds: float = COMPILE_CHECK_SECONDS) -> str | None:
    """Compile a rule folder in the engine in a child process and assert one fact per step:
    None when that worked, else what went wrong.

    The checks above are a model of the engine; this is the engine. Where they miss something,
    the engine may loop for ever holding the GIL (deaf to Ctrl-C and SIGTERM) or crash: only a
    child process with a time limit, killed with SIGKILL, can find that out safely.
    """
    import signal
    import subprocess
    import sys

    try:
        done = subprocess.run(
            [sys.executable, "-c", _COMPILE_AND_PROBE, folder or ""],
            capture_output=True,
            text=True,
            timeout=seconds,
        )
    except subprocess.TimeoutExpired:
        return (
            f"the rules engine did not finish compiling these rules within {seconds:g} s (it loops for ever on "
            "some rule shapes): simplify the rules"
        )
    if done.returncode == 0 and done.stdout.strip().endswith("compiled"):
        return None
    if done.returncode < 0:
        try:
            name = signal.Signals(-done.returncode).name
        except ValueError:
            name = f"signal {-done.returncode}"
        return f"the rules engine crashed on these rules ({name}): simplify the rules"
    last = (done.stderr.strip().splitlines() or ["no message"])[-1]
    return f"the rules engine refused these rules: {last}"
