"""Where the time of one batch record goes, and the two floors it is compared with (for bench_batch).

``stage_split`` times the stages of ``Screener.screen_entry`` one by one for each record and
records every message the C engine receives meanwhile; ``engine_floor`` replays those
messages into a fresh copy of the engine with no Python around them; ``io_floor`` reads every
record of a file and writes a real entry for each, screening none. They use the screener's
private stages: this benchmark lives with the code it measures.
"""

from __future__ import annotations

import contextlib
import itertools
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

STAGES = ("parse", "validate", "normalise", "engine", "result", "write")
Message = tuple[str, int, str]  # ("assert", the ruleset, the JSON text sent) or ("delete", the ruleset, the session id)


@contextmanager
def recorded_engine_calls() -> Iterator[list[Message]]:
    """Every assert and state deletion the C engine receives inside the block, as sent."""
    import durable_rules_engine as engine

    calls: list[Message] = []
    assert_fact, delete_state = engine.assert_fact, engine.delete_state

    def recording_assert(handle: int, message: str) -> Any:
        calls.append(("assert", handle, message))
        return assert_fact(handle, message)

    def recording_delete(handle: int, sid: str) -> Any:
        calls.append(("delete", handle, sid))
        return delete_state(handle, sid)

    engine.assert_fact, engine.delete_state = recording_assert, recording_delete
    try:
        yield calls
    finally:
        engine.assert_fact, engine.delete_state = assert_fact, delete_state


def stage_split(cohort: Path, records: int, folder: Path, detail: str = "lean") -> tuple[dict[str, float], list[Message]]:
    """CPU seconds per record of each stage over the first ``records`` records, timed stage by
    stage for each record (nothing of one record is held while the next is screened: holding
    chunks of them would make the garbage collector's work, not the stages', grow), and the
    engine calls of the engine stage."""
    from screener.batch.readers import RawRecord, iter_records
    from screener.batch.writers import open_writer
    from screener.screening.normalise import normalise
    from screener.screening.pipeline import Screener, invalid_entry

    screener = Screener()
    ruleset = screener.ruleset
    times = dict.fromkeys(STAGES, 0.0)
    clock = time.process_time
    reader = iter_records([str(cohort)])
    done = 0
    with open_writer(str(folder / "split-out.jsonl"), "jsonl") as writer, recorded_engine_calls() as calls:
        while done < records:
            start = clock()
            item = next(reader, None)
            parsed = clock()
            times["parse"] += parsed - start
            if item is None:
                break
            done += 1
            answers, problems = screener.check(item.value) if isinstance(item, RawRecord) else (None, [])
            checked = clock()
            times["validate"] += checked - parsed
            if answers is None:
                entry = invalid_entry(getattr(item, "value", None), problems, source=item.source, position=item.position)
                made = clock()
            else:
                state = normalise(answers, ruleset)
                normalised = clock()
                facts, conclusions, _ = screener._infer(state, explain=detail != "none")
                inferred = clock()
                entry = screener._entries.entry(answers, state, facts, conclusions, item.source, item.position, detail)  # type: ignore[arg-type]
                made = clock()
                times["normalise"] += normalised - checked
                times["engine"] += inferred - normalised
                checked = inferred
            times["result"] += made - checked
            writer.write(entry)
            times["write"] += clock() - made
        recorded = list(calls)
    return {name: seconds / max(done, 1) for name, seconds in times.items()} | {"records": done}, recorded


def engine_floor(calls: list[Message], records: int, repeat: int = 3) -> float:
    """CPU seconds per record of the C engine alone: ``calls`` replayed into a fresh copy of the
    engine, with only the loop that takes the fired rules around them (the best of ``repeat``)."""
    import durable_rules_engine as engine

    from screener.screening.engine import RulesEngine
    from screener.screening.ruleset import load_ruleset

    ruleset = load_ruleset()
    # The engine has one ruleset per step: each recorded call goes to the fresh copy's of its step.
    fresh = RulesEngine(ruleset.engine_patterns, ruleset.step_ids, remember=False)._handles
    handles = {recorded: fresh[step] for step, recorded in ruleset.engine._handles.items()}
    calls = [(kind, handles[handle], message) for kind, handle, message in calls]
    assert_fact, start_action = engine.assert_fact, engine.start_action_for_state
    complete, delete = engine.complete_and_start_action, engine.delete_state
    sids = {(handle, message.rsplit('"sid":"', 1)[1][:-2]) for kind, handle, message in calls if kind == "assert"}
    best = float("inf")
    for _ in range(repeat):
        for handle, sid in sids:  # each replay starts with no state, as the recorded run did
            with contextlib.suppress(Exception):
                delete(handle, sid)
        clock = time.process_time()
        for kind, handle, message in calls:
            if kind == "assert":
                _, state = assert_fact(handle, message)
                started = start_action(handle, state)
                action = started[1] if started else None
                while action:
                    action = complete(handle, state)
            else:
                delete(handle, message)
        best = min(best, time.process_time() - clock)
    return best / max(records, 1)


def io_floor(cohort: Path, folder: Path, pool_size: int = 1000, detail: str = "lean") -> dict[str, float]:
    """Read every record of the file and write a real result entry for each, without screening."""
    from screener.batch.readers import iter_records
    from screener.batch.runner import record_entry
    from screener.batch.writers import open_writer
    from screener.screening.pipeline import Screener

    screener = Screener()
    pool = [record_entry(item, screener, detail) for item in itertools.islice(iter_records([str(cohort)]), pool_size)]  # type: ignore[arg-type]
    entries = itertools.cycle(pool)
    started, cpu = time.perf_counter(), time.process_time()
    count = 0
    with open_writer(str(folder / "floor-out.jsonl"), "jsonl") as writer:
        for _item in iter_records([str(cohort)]):
            writer.write(next(entries))
            count += 1
    seconds = time.perf_counter() - started
    return {"records": count, "seconds": seconds, "rate": count / seconds, "cpu_per_record": (time.process_time() - cpu) / count}


def timed(function: Callable[[], Any]) -> float:
    start = time.process_time()
    function()
    return time.process_time() - start
