"""The Python API under load (issue 12, item 12): threads, many sessions, many ``Screener()``s.

- Making a ``Screener`` again does not cost the engine's memory again: every ``Screener`` of the
  same rules in a process shares one compiled ruleset (it used to keep about 3.7 MB each).
- The engine holds at most 1,024 live sessions and segfaults past them. At most 64 screenings
  hold a session at once per compiled ruleset: more threads wait their turn, and a session that
  never comes free is a clear ``EngineError``, never a crash.
- A ``Screener`` may be shared by threads and gives each the result one thread would.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from typing import Any

import pytest

from screener.synthetic import cohort

RSS_GROWTH = textwrap.dedent(
    """
    import sys
    from screener import Screener

    def rss_kb():
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * 4

    answers = {"age": 72, "medications": ["Lasix 40 mg"], "symptoms": ["muscle_cramps"]}
    Screener().screen(answers)  # the first one pays for imports and the one compiled ruleset
    before = rss_kb()
    for _ in range(int(sys.argv[1])):
        Screener().screen(answers)
    print(rss_kb() - before)
    """
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/statm")
def test_making_a_screener_again_and_again_keeps_memory_flat() -> None:
    done = subprocess.run([sys.executable, "-c", RSS_GROWTH, "25"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    grown_kb = int(done.stdout)
    # Before: about 3,800 kB per Screener (the compiled ruleset and an idle session), 95 MB here.
    assert grown_kb < 25 * 1024, f"{grown_kb} kB kept by 25 Screener()s"


def test_screeners_of_the_same_rules_share_one_compiled_ruleset() -> None:
    from screener import Screener

    assert Screener().ruleset.engine is Screener().ruleset.engine


SESSIONS = textwrap.dedent(
    """
    import contextlib
    from screener import Screener
    from screener.screening import engine as engine_module

    engine_module.SESSION_WAIT_SECONDS = 0.2
    engine = Screener().ruleset.engine
    opened = 0
    with contextlib.ExitStack() as stack:
        try:
            for _ in range(1100):
                session = stack.enter_context(engine.session())
                session.fire({"step": "headline"})
                opened += 1
        except Exception as error:
            print(opened, type(error).__name__, error)
    with engine.session() as session:  # every session came back
        print("after:", session.fire({"step": "headline"}))
    """
)


def test_more_sessions_at_once_than_the_engine_holds_get_a_clear_error_not_a_segfault() -> None:
    done = subprocess.run(
        [sys.executable, "-X", "faulthandler", "-c", SESSIONS], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, f"return code {done.returncode} (a crash before: 1,025 sessions):\n{done.stderr[-2000:]}"
    first, after = done.stdout.splitlines()
    assert first.startswith("64 EngineError no rules engine session came free within 0.2 s: more than 64 screenings")
    assert after.startswith("after:")


def test_threads_beyond_the_session_limit_wait_their_turn(monkeypatch: pytest.MonkeyPatch) -> None:
    from screener import Screener
    from screener.screening import engine as engine_module

    monkeypatch.setattr(engine_module, "MAX_LIVE_SESSIONS", 2, raising=False)
    patterns = Screener().ruleset.engine_patterns
    engine = engine_module.RulesEngine(patterns, ["headline"])
    lock = threading.Lock()
    in_use = most = 0
    failures: list[BaseException] = []

    def screen_slowly() -> None:
        nonlocal in_use, most
        try:
            with engine.session() as session:
                with lock:
                    in_use += 1
                    most = max(most, in_use)
                session.fire({"step": "headline"})
                time.sleep(0.05)
                with lock:
                    in_use -= 1
        except BaseException as error:  # pragma: no cover - reported below
            failures.append(error)

    threads = [threading.Thread(target=screen_slowly) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert most == 2


def test_a_screener_shared_by_threads_gives_each_the_result_one_thread_gives(screener: Any) -> None:
    records = list(cohort(240, seed=21))
    expected = [screener.screen_entry(record, position=n) for n, record in enumerate(records, 1)]
    results: dict[int, dict[str, Any]] = {}
    errors: list[BaseException] = []

    def screen_part(part: int) -> None:
        try:
            for n in range(part, len(records), 12):
                results[n] = screener.screen_entry(records[n], position=n + 1)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=screen_part, args=(part,)) for part in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert errors == []
    assert [results[n] for n in range(len(records))] == expected
