"""Reports people look at: one person's printable result, and a cohort report with charts.

Needs the optional extra: ``pip install '.[reports]'`` from the clone (Jinja2, matplotlib, WeasyPrint).
Without it, every function here raises ``screener.extras.MissingExtra``, whose message is the
install command.

    from screener.reports import person_report, cohort_report_from_files, write_report
    write_report(person_report(answers_or_result), "result.pdf")
    write_report(cohort_report_from_files(["results.jsonl"]), "cohort.html")

- ``build``: the functions above, and ``new_tally``/``tally_files``/``cohort_report`` for counting a
  cohort as it streams past.
- ``cohort``: ``CohortTally``, the one-pass, bounded-memory counts of a cohort.
- ``person``, ``cohort_view``: a result and a tally put into the words and tables the pages show.
- ``charts``, ``thresholds``, ``words``: SVG charts, lab thresholds from the rules, plain words.
- ``render``: the Jinja2 template set (``templates/``, shared with the local web page), HTML to PDF,
  and writing a report atomically.
"""

from __future__ import annotations

from screener.reports.build import (
    cohort_report,
    cohort_report_from_entries,
    cohort_report_from_files,
    new_tally,
    person_report,
    tally_files,
)
from screener.reports.cohort import CohortTally
from screener.reports.render import html_to_pdf, write_report

__all__ = [
    "CohortTally",
    "cohort_report",
    "cohort_report_from_entries",
    "cohort_report_from_files",
    "html_to_pdf",
    "new_tally",
    "person_report",
    "tally_files",
    "write_report",
]
