"""Where the time of one batch record goes, and the two floors it is compared with (for bench_batch).

``stage_split`` runs the stages of ``Screener.screen_entry`` one at a time over chunks of records
and records every message the C engine receives meanwhile; ``engine_floor`` replays those
messages into a fresh copy of the engine with no Python around them; ``io_floor`` reads every
record of a file and writes a real entry for each, screening none. They use the screener's
private stages: this benchmark lives with the code it measures.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHUNK = 64
STAGES = ("parse", "validate", "normalise", "engine", "result", "write")
Message = tuple[str, str]  # ("assert" | "retract", the JSON text sent)


@contextmanager
def recorded_engine_calls() -> Iterator[list[Message]]:
    """Every assert and retract the C engine receives inside the block, as sent."""
    import durable_rules_engine as engine

    calls: list[Message] = []
    assert_fact, retract_facts = engine.assert_fact, engine.retract_facts

    def recording_assert(handle: int, message: str) -> Any:
        calls.append(("assert", message))
        return assert_fact(handle, message)

    def recording_retract(handle: int, messages: str) -> Any:
        calls.append(("retract", messages))
        return retract_facts(handle, messages)

    engine.assert_fact, engine.retract_facts = recording_assert, recording_retract
    try:
        yield calls
    finally:
        engine.assert_fact, engine.retract_facts = assert_fact, retract_facts


def stage_split(cohort: Path, records: int, folder: Path, detail: str = "lean") -> tuple[dict[str, float], list[Message]]:
    """CPU seconds per record of each stage over the first ``records`` records (stage by stage
    per chunk), and the engine calls of the engine stage."""
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
            chunk = list(itertools.islice(reader, min(CHUNK, records - done)))
            times["parse"] += clock() - start
            if not chunk:
                break
            done += len(chunk)
            start = clock()
            checked = [screener.check(item.value) if isinstance(item, RawRecord) else (None, []) for item in chunk]
            times["validate"] += clock() - start
            start = clock()
            normalised = [normalise(answers, ruleset) if answers is not None else None for answers, _ in checked]
            times["normalise"] += clock() - start
            start = clock()
            inferred = [screener._infer(state, explain=detail != "none") if state is not None else None for state in normalised]
            times["engine"] += clock() - start
            start = clock()
            entries = []
            for item, (answers, problems), state, outcome in zip(chunk, checked, normalised, inferred, strict=True):
                if answers is None or state is None or outcome is None:
                    entries.append(invalid_entry(getattr(item, "value", None), problems, source=item.source, position=item.position))
                    continue
                facts, conclusions, _ = outcome
                entries.append(screener._result(answers, state, facts, conclusions, item.source, item.position, detail))  # type: ignore[arg-type]
            times["result"] += clock() - start
            start = clock()
            for entry in entries:
                writer.write(entry)
            times["write"] += clock() - start
        recorded = list(calls)
    return {name: seconds / max(done, 1) for name, seconds in times.items()} | {"records": done}, recorded


def engine_floor(calls: list[Message], records: int, repeat: int = 3) -> float:
    """CPU seconds per record of the C engine alone: ``calls`` replayed into a fresh copy of the
    engine, with only the loop that takes the fired rules around them (the best of ``repeat``)."""
    import durable_rules_engine as engine

    from screener.screening.engine import RulesEngine
    from screener.screening.ruleset import load_ruleset

    ruleset = load_ruleset()
    handle = RulesEngine(ruleset.engine_patterns, ruleset.step_ids, remember=False)._handle
    assert_fact, start_action = engine.assert_fact, engine.start_action_for_state
    complete, retract = engine.complete_and_start_action, engine.retract_facts
    best = float("inf")
    for _ in range(repeat):
        clock = time.process_time()
        for kind, message in calls:
            if kind == "assert":
                _, state = assert_fact(handle, message)
                started = start_action(handle, state)
                action = started[1] if started else None
                while action:
                    action = complete(handle, state)
            else:
                retract(handle, message)
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
