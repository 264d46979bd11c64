"""One answers document from bytes (an uploaded file, an API request body), read and checked as
the CLI reads and checks a file: the batch reader for the JSON (a byte order mark is fine; a
fault is named by line and column), the screener's validation for the answers (JSON paths and
"did you mean ...?"). For the first page, what the reader did with the file (a form tool's
columns left out, a comma read past: the notes the CLI prints on stderr) and what stops it from
being used are in the page's words (``UnreadableSource.plain``); the API keeps the CLI's.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from itertools import islice
from typing import TYPE_CHECKING, Any

from screener.contract.validation import Problem

if TYPE_CHECKING:
    from screener.web.context import WebContext

_KINDS = {list: "an array", str: "a string", bool: "true or false", int: "a number", float: "a number", type(None): "null"}


@dataclass(frozen=True)
class Worded(Problem):
    """A problem with a file already in the first page's words (whole sentences), shown as it is."""


@dataclass(frozen=True)
class FileReading:
    """An uploaded answers file as read: its answers, or every problem found; and what was done
    with the file to read it (a form tool's columns left out, a comma read past), in the page's
    words, never quoting a value of a column left out."""

    value: dict[str, Any] | None
    problems: list[Problem]
    notes: list[str] = field(default_factory=list)
    reported: dict[str, Any] = field(default_factory=dict)
    """(answers that cannot be used) the red flags they report now, screened on their own
    (``Screener.red_flags_alone``): said first, with the advice to get help now."""


def read_answers(data: bytes, web: WebContext) -> FileReading:
    """The answers object in an uploaded file, in the first page's words (see ``page_words``)."""
    value, problems, notes, flagged = _read(data, plain=True)
    if problems:  # a sheet refused for its columns may still give red flags in its rows: said first
        return FileReading(None, problems, notes, rows_red_flags(flagged, web))
    if isinstance(value, dict) and isinstance(value.get("resourceType"), str):
        return FileReading(None, [Worded("$", _fhir_words(value["resourceType"]))], notes)
    problems = answers_problems(value, web)
    if problems:  # red flags first, even of answers that cannot be used
        return FileReading(None, problems, notes, web.red_flags_alone(value))
    return FileReading(value, [], notes)


def _fhir_words(kind: str) -> str:
    return (
        f"This file is FHIR (a {kind}): health records as an EHR exchanges them, not answers saved by this page, "
        "which cannot read it. The mgk-screen screen and batch commands read FHIR, and so can an EHR through "
        "the CDS Hooks service."
    )


def answers_problems(value: Any, web: WebContext) -> list[Problem]:
    """What is wrong with one parsed document as answers (nothing when it is valid)."""
    if not isinstance(value, dict):
        return [Problem("$", f"expected one answers object, got {_KINDS.get(type(value), 'a value')}")]
    if isinstance(value.get("resourceType"), str):
        return [
            Problem(
                "$",
                f"this is FHIR (a {value['resourceType']}), not answers: this takes answers; screen FHIR with "
                "`mgk-screen screen FILE` or `mgk-screen batch`, or from an EHR through the CDS Hooks service",
            )
        ]
    return web.check(value)


#: How the reader names bytes that are not UTF-8 (``json_text.not_utf8``).
NOT_UTF8 = "not UTF-8 text"


def charset_words(content_type: str) -> str:
    """For a body that is not UTF-8 text: what its declared charset is, and that it is not read
    (JSON between programs is UTF-8, RFC 8259 8.1, and application/json defines no charset
    parameter); "" when it declares none, or declares UTF-8."""
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        charset = value.strip().strip('"').strip()
        if name.strip().lower() == "charset" and charset and charset.lower().replace("-", "").replace("_", "") != "utf8":
            shown = charset if len(charset) <= 40 else charset[:37] + "..."
            return f": it was sent as charset={shown}, which is not read; this API reads UTF-8 only (JSON is UTF-8), so send the body as UTF-8"
    return ""


def is_array(data: bytes) -> bool:
    """Whether a document is a JSON array (the reader takes ``[{...}]`` as its one record)."""
    return data.removeprefix(b"\xef\xbb\xbf").lstrip()[:1] == b"["


def read_document(data: bytes) -> tuple[Any, list[Problem], list[str]]:
    """One JSON document, or the problem that stops it from being read (in the CLI's words), with
    the red flags now its rows give when it is a sheet refused for a misspelt red-flag column
    (``rows_red_flags`` screens them)."""
    value, problems, _, flagged = _read(data, plain=False)
    return value, problems, flagged


def rows_red_flags(flagged: list[str], web: WebContext) -> dict[str, Any]:
    """The red flags now (codes) that the rows of a sheet refused for a misspelt red-flag column
    give (``refused_red_flags.all_codes``), screened on their own for the one person a file or
    request is (``Screener.red_flags_alone``: ``red_flags``, ``urgency``, ``red_flag_advice``);
    empty when there are none."""
    return web.red_flags_alone({"red_flags_now": flagged}) if flagged else {}


#: What the first page says of a file of several records (a form tool's export of every response).
SEVERAL = (
    "This file holds more than one person's answers (several rows or records), and this page carries on from one "
    "person's. Keep only that person's row under the first row (or their one record) and try again, or screen "
    "everyone in it with the mgk-screen batch command."
)


def _read(data: bytes, *, plain: bool) -> tuple[Any, list[Problem], list[str], list[str]]:
    """One JSON document and the notes on its file, or the problem that stops it from being read
    (with the red flags now its rows give, when it is a sheet refused for a misspelt red-flag
    column: ``refused_red_flags``); ``plain``: each in the first page's words where the reader
    gives them (``Worded``)."""
    from screener.batch.readers import UnreadableRecord, UnreadableSource, iter_records
    from screener.batch.refused_red_flags import all_codes

    if not data.strip():
        return None, [Problem("$", "no answers: the file or request body is empty")], [], []
    notes: list[str] = []
    empty: list[str] = []  # "holds no records" (an empty array): the fault here, said once below

    def noted(item: object) -> bool:
        if isinstance(item, UnreadableSource) and item.note:
            if item.message.startswith("holds no records"):
                empty.append(item.message)
            else:
                notes.append(item.plain or f"{item.message[:1].upper()}{item.message[1:]}.")
            return True
        return False

    # FHIR as read (a Bundle one document, not its patients' records), to be called what it is.
    read = iter_records(["-"], stdin=io.BytesIO(data), as_read=True)
    kept = (item for item in read if not noted(item))
    items = list(islice(kept, 2))
    if not items:
        return None, [Problem("$", empty[0] if empty else "holds no records (an empty array?)")], notes, []
    if len(items) > 1:
        # Refused (one person at a time), but a red flag any of them reports is said first.
        flagged, rows = _several_red_flags([*items, *kept])
        if plain:
            return None, [Worded("$", SEVERAL)], notes, flagged
        said = f"; {'; '.join(rows)} (see red_flags)" if rows else ""
        return None, [Problem("$", f"holds more than one record; give one answers object (`mgk-screen batch` screens many){said}")], notes, flagged
    (item,) = items
    flagged = all_codes(item) if isinstance(item, UnreadableSource) else []
    if isinstance(item, UnreadableSource) and plain and item.plain:
        return None, [Worded("$", item.plain)], notes, flagged
    if isinstance(item, (UnreadableSource, UnreadableRecord)):
        return None, [Problem("$", item.message)], notes, flagged
    return item.value, [], notes, []


def _several_red_flags(items: list[Any]) -> tuple[list[str], list[str]]:
    """The red flags now the records of a document of several give (``red_flags_reported``; the
    rows of a refused sheet, its ``red_flags``), each once, and which record gives
    which, in words ("record 2 (id 'p-17') reports a red flag now: chest_pain")."""
    from screener.batch.records import RawRecord, RowRedFlags, UnreadableSource
    from screener.batch.refused_red_flags import where
    from screener.contract.answers import red_flags_reported

    found: list[RowRedFlags] = []  # each record's, or refused sheet row's, red flags, in order
    for item in items:
        if isinstance(item, RawRecord) and (codes := red_flags_reported(item.value)):
            identity = item.value.get("id") if isinstance(item.value, dict) else None
            found.append(RowRedFlags(where(f"record {item.position}", identity), tuple(codes)))
        elif isinstance(item, UnreadableSource):
            found += item.red_flags
    every = list(dict.fromkeys(code for flagged in found for code in flagged.codes))
    return every, [f"{flagged.row} reports a red flag now: {', '.join(flagged.codes)}" for flagged in found]


#: What the first page says when "Carry on from this file" is pressed with no file chosen (the
#: browser then sends an empty part, as it does for an empty file).
NO_FILE = "Please choose a file first: no file was chosen, or the file chosen is empty."


def page_words(problems: list[Problem], labels: dict[str, str]) -> list[str]:
    """The problems of an uploaded answers file in the first page's words: no JSON path ("$:") for
    the file as a whole, and a field named by its question ("the answer to “How old are you?”
    (age)") where one question holds it. The API and the CLI keep the paths, for a program or a
    person editing the file. ``labels`` maps each answers field to its question."""
    words = []
    for problem in problems:
        message = problem.message
        if isinstance(problem, Worded):
            words.append(message)
            continue
        if message.startswith("invalid JSON at "):
            where, _, what = message.removeprefix("invalid JSON at ").partition(": ")
            words.append(f"This file cannot be read as an answers file. The problem is at {where}: {what}.")
            continue
        path = problem.path.removeprefix("$").removeprefix(".")
        if not path:
            words.append(f"This file cannot be used: {'it ' if message.startswith('holds ') else ''}{message}.")
            continue
        field = max((name for name in labels if path == name or path.startswith(name + ".")), key=len, default="")
        where = f"the answer to “{labels[field]}” ({path})" if field else f"“{path}”"
        words.append(f"In this file, {where}: {message}.")
    return words
