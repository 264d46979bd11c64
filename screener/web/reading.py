"""One answers document from bytes (an uploaded file, an API request body), read and checked as
the CLI reads and checks a file: the batch reader for the JSON (a byte order mark is fine; a
fault is named by line and column), the screener's validation for the answers (JSON paths and
"did you mean ...?").
"""

from __future__ import annotations

import io
from itertools import islice
from typing import TYPE_CHECKING, Any

from screener.contract.validation import Problem

if TYPE_CHECKING:
    from screener.web.context import WebContext

_KINDS = {list: "an array", str: "a string", bool: "true or false", int: "a number", float: "a number", type(None): "null"}


def read_answers(data: bytes, web: WebContext) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The answers object in ``data``, or every problem found, each with its JSON path."""
    value, problems = read_document(data)
    if problems:
        return None, problems
    problems = answers_problems(value, web)
    return (None, problems) if problems else (value, [])


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


def is_array(data: bytes) -> bool:
    """Whether a document is a JSON array (the reader takes ``[{...}]`` as its one record)."""
    return data.removeprefix(b"\xef\xbb\xbf").lstrip()[:1] == b"["


def read_document(data: bytes) -> tuple[Any, list[Problem]]:
    """One JSON document, or the problem that stops it from being read."""
    from screener.batch.readers import UnreadableRecord, UnreadableSource, iter_records

    if not data.strip():
        return None, [Problem("$", "no answers: the file or request body is empty")]
    # FHIR as read (a Bundle one document, not its patients' records), to be called what it is.
    read = iter_records(["-"], stdin=io.BytesIO(data), as_read=True)
    items = list(islice((item for item in read if not (isinstance(item, UnreadableSource) and item.note)), 2))
    if not items:
        return None, [Problem("$", "holds no records (an empty array?)")]
    if len(items) > 1:
        return None, [Problem("$", "holds more than one record; give one answers object (`mgk-screen batch` screens many)")]
    (item,) = items
    if isinstance(item, (UnreadableSource, UnreadableRecord)):
        return None, [Problem("$", item.message)]
    return item.value, []
