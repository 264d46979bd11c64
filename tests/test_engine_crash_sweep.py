"""The whole shipped ruleset over thousands of generated records, in a subprocess.

The C engine can crash the process (a segfault is not an exception), so the sweep runs in a
child process: a crash shows up as a negative return code and fails this test instead of
taking the test run down, or passing silently.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

SWEEP = textwrap.dedent(
    """
    import sys
    from screener import Screener
    from screener.synthetic import cohort

    screener = Screener()
    screened = invalid = 0
    for seed in (11, 12):
        for answers in cohort(int(sys.argv[1]) // 2, seed=seed):
            entry = screener.screen_record(answers)
            if entry.status == "screened":
                screened += 1
            else:
                invalid += 1
                print("invalid:", answers, entry.errors, file=sys.stderr)
    print(screened, invalid)
    """
)


def test_ten_thousand_generated_records_screen_without_crashing_the_engine() -> None:
    done = subprocess.run(
        [sys.executable, "-X", "faulthandler", "-c", SWEEP, "10000"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"the sweep died with return code {done.returncode}:\n{done.stderr[-3000:]}"
    screened, invalid = map(int, done.stdout.split())
    # The generator only makes valid records, so every one must be screened.
    assert (screened, invalid) == (10000, 0), done.stderr[-3000:]
