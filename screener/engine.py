"""The adapter to durable-rules: the only module that imports ``durable``.

durable-rules 2.0.28 (unmaintained since 2020) has sharp edges, all contained here:

- ``durable.lang``/``Host`` start timer threads, mutate the dicts they are given and swallow
  errors raised inside actions. We never use them: we drive the C engine directly
  (``durable_rules_engine``), which is also about five times faster per record.
- Asserting an identical fact twice raises "message observed". Each step asserts one fact that
  carries its step name, so facts are never identical within a session.
- A fact no rule matches is "not handled", and deleting a session after a not-handled assert
  corrupts the C heap (a double free: a segfault or abort, depending on what else the process
  has allocated; found while writing this adapter). So every step has a catch-all rule that
  matches any fact of that step: every assert is handled, and the catch-all is filtered out.
- At most 1,024 live sessions per ruleset: every respondent gets a fresh session id, deleted
  when the respondent is done, even on error.
- The C engine can read past an array and crash when a condition compares one fact's field with
  another fact's inside ``$and`` (jruizgit/rules#381). Our rule language compiles every rule to
  one pattern over one fact with constants only (see ``conditions.to_durable``), and the test
  suite runs the shipped ruleset over thousands of generated records in a subprocess.

The engine knows nothing clinical: it is given compiled patterns and returns which rules fired.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import durable_rules_engine as _c_engine

from screener.errors import EngineError

# Result codes of the C engine's assert calls (durable/engine.py: Ruleset._handle_result).
_HANDLED, _NOT_HANDLED, _OBSERVED = 0, 1, 2
_ruleset_names = itertools.count(1)
_session_ids = itertools.count(1)
# Rule ids in rule files start with a letter, so this prefix cannot collide with one.
_CATCH_ALL = "__catch_all__"


class RulesEngine:
    """A compiled ruleset inside the C engine.

    ``patterns`` maps a rule id to its durable-rules pattern for one fact (``{"m": {...}}`` is
    added here); each pattern tests the fact's ``step`` field, one of ``steps``.
    """

    def __init__(self, patterns: Mapping[str, dict[str, Any]], steps: Iterable[str]) -> None:
        definition = {rule_id: {"all": [{"m": pattern}]} for rule_id, pattern in patterns.items()}
        self._steps = frozenset(steps)
        for step in self._steps:
            definition[f"{_CATCH_ALL}{step}"] = {"all": [{"m": {"step": step}}]}
        # A process-wide unique name: the C engine keeps every ruleset it has created.
        self._name = f"mgk_screen_{next(_ruleset_names)}"
        try:
            self._handle = _c_engine.create_ruleset(self._name, json.dumps(definition))
        except Exception as error:  # the C engine raises bare Exceptions with an error code
            raise EngineError(f"the rules engine rejected the compiled rules: {error}") from error

    @contextmanager
    def session(self) -> Iterator["EngineSession"]:
        """One respondent's session; its state is always deleted afterwards."""
        sid = str(next(_session_ids))
        session = EngineSession(self._handle, sid, self._steps)
        try:
            yield session
        finally:
            if session.asserted:  # the C engine creates a session's state on its first assert
                _c_engine.delete_state(self._handle, sid)


class EngineSession:
    def __init__(self, handle: int, sid: str, steps: frozenset[str]) -> None:
        self._handle = handle
        self._sid = sid
        self._steps = steps
        self.asserted = False

    def fire(self, fact: Mapping[str, Any]) -> list[str]:
        """Assert one fact and return the ids of the rules it made fire, in firing order."""
        if fact.get("step") not in self._steps:
            # Without its step's catch-all the fact could go unhandled (see the module notes).
            raise EngineError(f"a fact for unknown step {fact.get('step')!r} (a screener bug)")
        message = dict(fact, sid=self._sid)
        self.asserted = True
        try:
            code, state_handle = _c_engine.assert_fact(self._handle, json.dumps(message))
        except Exception as error:
            raise EngineError(f"the rules engine failed on a fact: {error}") from error
        if code == _NOT_HANDLED:
            raise EngineError("a fact went unhandled despite its catch-all rule (a screener bug)")
        if code == _OBSERVED:
            raise EngineError("the same fact was asserted twice in one session (a screener bug)")
        fired: list[str] = []
        result = _c_engine.start_action_for_state(self._handle, state_handle)
        while result:
            # The action is '{"<rule id>": {"m": <the whole fact>}}': reading the id alone saves
            # parsing the fact back, most of the adapter's cost. Rule ids never need escaping.
            rule_id = result[1][2 : result[1].index('"', 2)]
            if not rule_id.startswith(_CATCH_ALL):
                fired.append(rule_id)
            # Our actions are declarative: completing them at once lets the next match through.
            next_action = _c_engine.complete_and_start_action(self._handle, state_handle)
            result = (result[0], next_action) if next_action else None
        return fired
