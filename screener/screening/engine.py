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
- The engine tells the facts of a session apart by a 32-bit hash of their ids, and refuses a
  fact whose id's hash another fact of the session has as "message observed", before any rule
  sees it. Left to itself it makes an id from a fact's content, and two different facts can
  collide (found by asserting distinct facts into one session: the 199,626th collided with the
  53,932nd; a million-record batch met one), and computing that id was a twentieth of the
  engine's work. So each fact is given its own id: the respondent's number in the session, a
  dot, the fact's number for that respondent (``"3.5"``). The hashes of the first 64 facts of
  the first 64 respondents of a session are all different, and a session id whose state fact
  (the engine's ``sid-<id>``) would share one is skipped (``_new_session_id``;
  tests/test_speedups.py checks both against the engine): two facts of one session never
  collide. Should one all the same (a caller giving more facts than that), it is sent again
  with another id (a fact with a ``sid`` of its own keeps the engine's id and is sent again
  with a ``_retry`` field, a name no fact can have, which changes its hash and nothing else).
- At most 1,024 live sessions per ruleset: the 1,025th is a MemoryError, and any later use of
  that session id is a segfault. So at most ``MAX_LIVE_SESSIONS`` are in use at once per
  compiled ruleset: a thread that would open one more waits for a free one (up to
  ``SESSION_WAIT_SECONDS``, then a clear ``EngineError``), never reaching the engine's limit.
- Creating a session's state costs about 90 µs (more than all of one respondent's asserts). So
  sessions are reused: when a respondent is done the session id goes back to a small pool for the
  next respondent, with that respondent's facts left in it. Each fact's id carries the
  respondent's number in the session, so the same answers from two respondents are two facts,
  never "message observed"; and since every rule is one pattern over one fact, an earlier
  respondent's facts can match nothing of a later one's. Retracting each
  respondent's facts instead cost a fifth of the engine's time. But each fact held takes about
  10 KB in the engine (a fixed table of 255 properties), and a state holding many gets slower,
  so it is deleted after ``RECYCLE_AFTER`` respondents (16: about 1 MB; from 10 to 100 the
  speed is the same). A session whose respondent failed (any exception) is deleted, never
  reused. But a session in which the engine itself raised is never deleted: its state may have
  no action context yet, and ``delete_state`` then frees an uninitialised pointer (``free():
  invalid pointer``, a segfault).
  Such a session is abandoned (counted; at most ``MAX_ABANDONED`` before the engine is refused).
- Each step is compiled into a ruleset of its own, all used with one session id. After an
  assert the engine looks for the rules that fired by walking every rule of the ruleset, once
  per fired rule and once more to find none is left: with one ruleset for all 300 rules that
  walk was a seventh of the engine's work, with one per step it is a fiftieth. A session's
  states (one per ruleset it asserted in) are kept, deleted and abandoned together.
- Compiling the rulesets keeps a few MB in the C engine until the process ends, and its idle
  sessions a few MB more (a process that compiled them and screened 2,000 respondents holds 55
  MB, as with one ruleset for all steps: each session's state is sized by its ruleset's rules).
  So one compiled engine is shared by every ``Screener`` of the same rules in a process
  (``shared_engine``), instead of one per ``Screener()``.
- The fixed tables of the C engine (rules, tests per node, stack of one assert...) are checked
  before a rule folder reaches it: see ``engine_limits``.
  Only single-fact patterns are compiled (no joins, no negated patterns), so a fact left in a
  session can match nothing of a later respondent's facts.
- The C engine can read past an array and crash when a condition compares one fact's field with
  another fact's inside ``$and`` (jruizgit/rules#381). Our rule language compiles every rule to
  one pattern over one fact with constants only (see ``conditions.to_durable``), and the test
  suite runs the shipped ruleset over thousands of generated records in a subprocess.
- The C engine's JSON parser rejects a number with an exponent but no decimal point (``1e-07``,
  ``1e+20``: error 204), which is how Python writes very small or very large floats, and so
  the answers ``"drinks_per_week": 1e-7`` or ``1e20`` (both valid) stopped a batch. Such a
  number is sent as ``1.0e-07``, which it reads right (``engine_json``; tests compare thousands
  of values with Python's own comparisons).

Which rules a fact fires is a function of that fact alone: every rule is one pattern over one
fact with constants only, and each fact is asserted into a session that holds no other fact of
its step. So the adapter remembers, per step, the rules fired by the last few thousand distinct
facts (compared as the exact JSON text sent, so ``true`` is not ``1`` and ``1.0`` is not ``1``)
and does not assert a fact it has seen: the engine's own earlier answer is reused. Later steps
test few facts and repeat a lot (the headline step's fact repeats for about 92% of respondents);
a step whose facts almost never repeat (the first, which sees all the answers) is not
remembered at all. Each step is sent the fields its rules test and nothing else, not whole
objects of which its rules test a part (``labs``, ``count``, ``medication_class``): a field no
rule of the step tests cannot change what fires (tests/test_speedups.py screens diverse records
both ways), and every field sent costs the engine (it goes through all of a fact's fields at
each node of the step's rules, and copies the fact into every rule's action). The screener
builds each step's message so from the facts it knows, in one pass (``message_builder``,
``engine_messages``); with them cut, the facts of the small steps repeat far more (level caps:
2,543 distinct facts in 5,000 diverse records, 97 reduced), so the engine is asked half as
often there.

The engine knows nothing clinical: it is given compiled patterns and returns which rules fired.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import durable_rules_engine as _c_engine

from screener.errors import EngineError
from screener.screening.engine_messages import Shape, engine_json, fact_json, step_of, tested_fields

__all__ = ["EngineSession", "RulesEngine", "engine_json", "fact_json", "shared_engine"]

# Result codes of the C engine's assert calls (durable/engine.py: Ruleset._handle_result).
_HANDLED, _NOT_HANDLED, _OBSERVED = 0, 1, 2
_ruleset_names = itertools.count(1)
_session_ids = itertools.count(1)
# Rule ids in rule files start with a letter, so this prefix cannot collide with one.
_CATCH_ALL = "__catch_all__"
#: Respondents screened in one session before its state, with their facts, is deleted.
RECYCLE_AFTER = 16
_IDLE_SESSIONS = 4  # sessions kept for reuse (more than one only for threads)
#: Sessions in use at once per compiled ruleset (the engine crashes past 1,024 live ones).
MAX_LIVE_SESSIONS = 64
#: How long a thread waits for a free session before giving up with an ``EngineError``.
SESSION_WAIT_SECONDS = 60.0
#: Sessions abandoned after an engine failure, before the engine is refused (they stay live).
MAX_ABANDONED = 512
#: Times a fact the engine took for another one (a hash collision) is sent again, changed.
_COLLISION_RETRIES = 3
#: Distinct facts per step whose fired rules are remembered (when full, the older half is
#: forgotten: the recent ones are the likeliest to repeat).
MEMO_PER_STEP = 4096
#: A step whose facts repeat less often than this, over its first ``_MEMO_TRIAL`` facts, is not
#: remembered at all (its facts are the longest, and would only take memory).
MEMO_MIN_REPEATS = 0.05
_MEMO_TRIAL = 1024


class _StepMemo:
    """The rules fired by the recent distinct facts of one step (see the module notes)."""

    __slots__ = ("fired", "found", "looked")

    def __init__(self) -> None:
        self.fired: dict[str, tuple[str, ...]] = {}
        self.looked = self.found = 0

    def get(self, text: str) -> tuple[str, ...] | None:
        self.looked += 1
        known = self.fired.get(text)
        if known is not None:
            self.found += 1
        return known

    def keep(self, text: str, fired: list[str]) -> bool:
        """Remember one fact's fired rules; False when this step is not worth remembering."""
        if self.looked == _MEMO_TRIAL and self.found < self.looked * MEMO_MIN_REPEATS:
            return False
        remembered = self.fired
        if len(remembered) >= MEMO_PER_STEP:
            # A dict keeps insertion order: the first half is the older one.
            self.fired = remembered = dict(itertools.islice(remembered.items(), MEMO_PER_STEP // 2, None))
        remembered[text] = tuple(fired)
        return True


def _fnv1a_32(text: str) -> int:
    """The engine's hash of a fact id (``fnv1Hash32``, state.c), for ASCII text."""
    value = 0x811C9DC5
    for byte in text.encode("ascii"):
        value = ((value ^ byte) * 16777619) & 0xFFFFFFFF
    return value


#: Fact ids whose hashes are certainly distinct (checked by a test): those of the first
#: ``_CERTAIN_IDS`` facts of each of the first ``_CERTAIN_IDS`` respondents of a session.
_CERTAIN_IDS = 64
_fact_id_hashes: frozenset[int] | None = None


def _new_session_id() -> str:
    """A new session id whose state fact's id (``sid-<id>``, made by the engine) has a hash no
    fact id of ours has (module notes)."""
    global _fact_id_hashes
    if _fact_id_hashes is None:
        _fact_id_hashes = frozenset(_fnv1a_32(f"{r}.{n}") for r in range(_CERTAIN_IDS) for n in range(_CERTAIN_IDS))
    while True:
        sid = str(next(_session_ids))
        if _fnv1a_32(f"sid-{sid}") not in _fact_id_hashes:
            return sid


_shared: dict[tuple[int, str], RulesEngine] = {}
_shared_lock = threading.Lock()


def shared_engine(patterns: Mapping[str, dict[str, Any]], steps: Iterable[str]) -> RulesEngine:
    """The compiled engine for these patterns, made once per process and shared (see the notes).

    Per process: a forked worker compiles its own (the parent's handles and sessions are the
    parent's). Safe to call from several threads.
    """
    steps = tuple(steps)
    text = engine_json({"patterns": patterns, "steps": sorted(steps)})
    key = (os.getpid(), hashlib.sha256(text.encode()).hexdigest())
    with _shared_lock:
        engine = _shared.get(key)
        if engine is None:
            engine = _shared[key] = RulesEngine(patterns, steps)
    return engine


def _after_fork_in_child() -> None:
    global _shared_lock
    _shared_lock = threading.Lock()  # it may have been held by another thread at the fork


os.register_at_fork(after_in_child=_after_fork_in_child)


class RulesEngine:
    """A compiled ruleset inside the C engine.

    ``patterns`` maps a rule id to its durable-rules pattern for one fact (``{"m": {...}}`` is
    added here); each pattern tests the fact's ``step`` field, one of ``steps``. It may be used
    by several threads at once (each screening holds one session; see ``MAX_LIVE_SESSIONS``);
    the C engine holds the GIL, so threads take turns rather than run side by side.
    """

    def __init__(self, patterns: Mapping[str, dict[str, Any]], steps: Iterable[str], *, remember: bool = True) -> None:
        self._steps = frozenset(steps)
        # Per step: its rules, and the fields they test (a fact is sent with those alone when
        # they are few: module notes).
        rules: dict[str, dict[str, Any]] = {step: {} for step in self._steps}
        fields: dict[str, set[str]] = {step: {"step"} for step in self._steps}
        for rule_id, pattern in patterns.items():
            names = set(tested_fields(pattern))
            pattern_step = step_of(pattern)
            for step in self._steps if pattern_step is None else self._steps & {pattern_step}:
                rules[step][rule_id] = {"all": [{"m": pattern}]}
                fields[step] |= names
        # One ruleset in the C engine per step (module notes).
        self._handles: dict[str, int] = {}
        for step in sorted(self._steps):
            definition = dict(rules[step])
            definition[f"{_CATCH_ALL}{step}"] = {"all": [{"m": {"step": step}}]}
            # A process-wide unique name: the C engine keeps every ruleset it has created.
            name = f"mgk_screen_{next(_ruleset_names)}"
            try:
                self._handles[step] = _c_engine.create_ruleset(name, engine_json(definition))
            except Exception as error:  # the C engine raises bare Exceptions with an error code
                raise EngineError(f"the rules engine rejected the compiled rules: {error}") from error
        self._step_plan: dict[str, tuple[Shape, int]] = {step: (Shape(names), self._handles[step]) for step, names in fields.items()}
        # (session id, respondents who asserted in it, the rulesets holding a state of it)
        self._idle: list[tuple[str, int, set[int]]] = []
        self._lock = threading.Lock()  # guards _idle, _live and _abandoned
        self._free = threading.Condition(self._lock)  # a session came free (only waited on when none is)
        self._live = 0
        self._waiting = 0  # threads waiting for a session
        self._abandoned = 0
        # Per step: the JSON text of a fact (without the session id) -> the rules it fired.
        self._memo: dict[str, _StepMemo] | None = {step: _StepMemo() for step in self._steps} if remember else None

    def message_builder(self, step: str) -> Callable[[Mapping[str, Any]], dict[str, Any]]:
        """A function making ``step``'s message from the facts known so far: the fields its rules
        test, and nothing else (without the step's name, which ``EngineSession.fire_message``
        adds). What ``fire`` would send of the same facts, built in one pass."""
        return self._step_plan[step][0].builder()

    @contextmanager
    def session(self) -> Iterator[EngineSession]:
        """One respondent's session (holding none of its facts when it starts), deleted afterwards
        when it failed or has served ``RECYCLE_AFTER`` respondents.

        Waits while ``MAX_LIVE_SESSIONS`` are in use (other threads), up to ``SESSION_WAIT_SECONDS``.
        """
        session = self.open_session()
        done = False
        try:
            yield session
            done = True
        finally:
            self.close_session(session, done)

    def open_session(self) -> EngineSession:
        """``session`` without the ``with``, for the screener's own loop: every session opened
        must be given back with ``close_session``, whatever happens."""
        with self._lock:
            if self._abandoned >= MAX_ABANDONED:
                raise EngineError(
                    f"the rules engine failed on {self._abandoned} respondents; it cannot be used further (a screener bug)"
                )
            if self._live >= MAX_LIVE_SESSIONS and not self._wait_for_a_free_session():
                raise EngineError(
                    f"no rules engine session came free within {SESSION_WAIT_SECONDS:g} s: more than {MAX_LIVE_SESSIONS} "
                    "screenings are under way at once in this process (use fewer threads, or processes)"
                )
            self._live += 1
            sid, uses, holding = self._idle.pop() if self._idle else (_new_session_id(), 0, set())
        return EngineSession(sid, self._step_plan, self._memo, uses, holding)

    def close_session(self, session: EngineSession, reusable: bool) -> None:
        """Give a session back, ready for the next respondent unless ``reusable`` is false (the
        screening failed part way: its state is deleted)."""
        try:
            self._release(session, session.uses, reusable)
        finally:
            with self._lock:
                self._live -= 1
                if self._waiting:
                    self._free.notify()

    def _wait_for_a_free_session(self) -> bool:
        """(With the lock held.) Whether a session came free within ``SESSION_WAIT_SECONDS``."""
        self._waiting += 1
        try:
            return self._free.wait_for(lambda: self._live < MAX_LIVE_SESSIONS, timeout=SESSION_WAIT_SECONDS)
        finally:
            self._waiting -= 1

    def _release(self, session: EngineSession, uses: int, reusable: bool) -> None:
        sid, holding = session.sid, session.holding
        if session.failed:
            with self._lock:  # never deleted: see the module notes
                self._abandoned += 1
            return
        if session.asserted:
            # The C engine creates a session's state in a ruleset on its first assert there:
            # from then on ``uses`` counts respondents, and the states must be deleted some day.
            uses += 1
            if not reusable or uses >= RECYCLE_AFTER:
                for handle in holding:
                    with contextlib.suppress(Exception):
                        _c_engine.delete_state(handle, sid)
                return
        with self._lock:
            keep = len(self._idle) < _IDLE_SESSIONS
            if keep:
                self._idle.append((sid, uses, holding))
        if not keep:
            for handle in holding:
                _c_engine.delete_state(handle, sid)


class EngineSession:
    def __init__(
        self,
        sid: str,
        plan: Mapping[str, tuple[Shape, int]],
        memo: dict[str, _StepMemo] | None = None,
        uses: int = 0,
        holding: set[int] | None = None,
    ) -> None:
        self.sid = sid
        self.uses = uses  # respondents who asserted in this session before
        self._plan = plan  # per step, the fields its rules test and its ruleset
        self._memo = memo
        self._fired: set[str] = set()  # every fact fired for this respondent, as JSON
        # Each fact's id: this respondent's number in the session, then the fact's (module notes).
        self._id_prefix = f"{uses}."
        self.holding: set[int] = set() if holding is None else holding  # rulesets with a state of this session
        self.asserted = False  # the engine holds a fact of this respondent
        self.failed = False  # the engine raised: the state must not be deleted (module notes)

    def fire(self, fact: Mapping[str, Any]) -> list[str]:
        """Assert one fact and return the ids of the rules it made fire, in firing order."""
        step: Any = fact.get("step")
        plan = self._plan.get(step)
        if plan is None:
            # Without its step's catch-all the fact could go unhandled (see the module notes).
            raise EngineError(f"a fact for unknown step {step!r} (a screener bug)")
        shape, handle = plan
        if "sid" in fact:  # not a fact name the screener uses: sent as it is, never remembered
            text = engine_json(dict(fact, _r=self.uses, sid=self.sid))
            self._note_sent(text)
            return self._assert(handle, text[:-1], None)
        # Otherwise it is sent with the fields its step's rules test, and nothing else.
        return self._fire(step, handle, fact_json(shape.of(fact)))  # type: ignore[arg-type]

    def fire_message(self, step: str, message: dict[str, Any]) -> list[str]:
        """``fire`` for a message made by ``RulesEngine.message_builder(step)`` (only the fields the
        step's rules test): ``step`` is added to it."""
        message["step"] = step
        return self._fire(step, self._plan[step][1], fact_json(message))

    def _note_sent(self, text: str) -> None:
        if text in self._fired:
            raise EngineError("the same fact was asserted twice in one session (a screener bug)")
        self._fired.add(text)

    def _fire(self, step: str, handle: int, text: str) -> list[str]:
        """Assert a fact (``text``, as the engine reads it), or recall what it fired before."""
        if text in self._fired:
            raise EngineError("the same fact was asserted twice in one session (a screener bug)")
        self._fired.add(text)
        memo = self._memo.get(step) if self._memo is not None else None
        if memo is not None:
            memo.looked += 1
            known = memo.fired.get(text)
            if known is not None:
                memo.found += 1
                return list(known)
        # The same text with its id and session, without copying the fact (it has a step: not
        # empty).
        fired = self._assert(handle, text[:-1], f"{self._id_prefix}{len(self._fired) - 1}")
        if memo is not None and not memo.keep(text, fired):
            self._memo.pop(step, None)  # type: ignore[union-attr]  # this step's facts hardly repeat
        return fired

    def _assert(self, handle: int, body: str, ident: str | None) -> list[str]:
        """Assert a message (``body`` without its closing brace) into a ruleset, with the fact id
        ``ident`` (the engine makes one from the content when None)."""
        self.asserted = True
        self.holding.add(handle)
        try:
            return self._fired_by(handle, body, ident)
        except Exception:
            # Whatever went wrong inside the engine, this session's state may be half made:
            # deleting it could crash the process (module notes), so it is abandoned instead.
            self.failed = True
            raise

    def _fired_by(self, handle: int, body: str, ident: str | None) -> list[str]:
        state_handle = self._asserted(handle, body, ident)
        fired: list[str] = []
        started = _c_engine.start_action_for_state(handle, state_handle)
        action = started[1] if started else None
        next_action = _c_engine.complete_and_start_action
        while action:
            # The action is '{"<rule id>": {"m": <the whole fact>}}': reading the id alone saves
            # parsing the fact back, most of the adapter's cost. Rule ids never need escaping,
            # and start with a letter: only a catch-all's starts with "_".
            if action[2] != "_":
                fired.append(action[2 : action.index('"', 2)])
            # Our actions are declarative: completing them at once lets the next match through.
            action = next_action(handle, state_handle)
        return fired

    def _asserted(self, handle: int, body: str, ident: str | None) -> int:
        """Assert a message; the handle of the state the engine's actions are in."""
        for retry in range(_COLLISION_RETRIES + 1):
            # A fact the engine took for another one (their ids' hashes collided: module notes)
            # is sent again with another id, or, when the engine made it, with a field no rule
            # tests, which changes its hash and nothing else.
            if ident is not None:
                sent = f'{body},"id":"{ident if not retry else f"{ident}.{retry}"}","sid":"{self.sid}"}}'
            else:
                sent = f"{body}}}" if not retry else f'{body},"_retry":{retry}}}'
            try:
                code, state_handle = _c_engine.assert_fact(handle, sent)
            except Exception as error:
                raise EngineError(f"the rules engine failed on a fact: {error}") from error
            if code == _NOT_HANDLED:
                raise EngineError("a fact went unhandled despite its catch-all rule (a screener bug)")
            if code != _OBSERVED:
                return int(state_handle)
        raise EngineError(
            f"the rules engine took a fact for one it already holds, {_COLLISION_RETRIES + 1} times (a screener bug)"
        )
