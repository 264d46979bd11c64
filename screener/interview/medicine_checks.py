"""The checks of one medicine entry, in the order they are asked.

A name with a close vocabulary name is offered it ("We did not recognise 'omeprazle'. Did you
mean omeprazole?"): yes puts that name in the entry (and counts as its confirmation when the whole
name was the typo), no keeps it as written, never counted. A recognised name is confirmed
("Lasix — that is furosemide, a loop diuretic. Right?"); after a no, the person types it again
and the new name is checked in turn. The same walk gives the questions to ask and the name to
save, so the two cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from screener.interview.questions import Step

if TYPE_CHECKING:
    from screener.interview.questionnaire_items import Item
    from screener.screening.medications import Vocabulary


def suggestion_key(item: Item, entry: str, written: str) -> str:
    return f"{item.id}:suggest:{entry}:{written}"


def entry_checks(vocabulary: Vocabulary, values: Mapping[str, Any], item: Item, entry: str) -> tuple[list[Step], str]:
    """The checks of ``entry`` that apply given the replies so far (``values``), up to the first
    one not answered; and the entry as it will be saved."""
    steps: list[Step] = []
    current, seen = entry, {entry}
    from_suggestions = False  # every drug in ``current`` came from a name the person said yes to
    while True:
        match = vocabulary.match(current)
        corrected = None
        for correction in vocabulary.corrections(current):
            if correction.applied(current) in seen:
                continue
            key = suggestion_key(item, current, correction.written)
            steps.append(Step(key, item, "suggest", current, vocabulary.match(correction.names[0]), correction))
            if key not in values:
                return steps, current
            if values[key] is True:
                corrected = correction.applied(current)
                break
        if corrected is not None:
            from_suggestions = from_suggestions or not match.drugs
            current = corrected
            seen.add(current)
            continue
        if not match.drugs or (from_suggestions and match.recognised):
            return steps, current
        confirm = f"{item.id}:confirm:{current}"
        steps.append(Step(confirm, item, "confirm", current, match))
        if values.get(confirm) is not False:
            return steps, current
        retype = f"{item.id}:retype:{current}"
        steps.append(Step(retype, item, "retype", current, match))
        new = values.get(retype)
        if new is None or new in seen:
            return steps, current
        seen.add(new)
        current, from_suggestions = new, False


def checked_when_saved(vocabulary: Vocabulary, item: Item, entries: Iterable[str]) -> dict[str, bool]:
    """The replies to the checks of a saved medicine list: each name was checked when it was
    saved, so it is kept as it is (a recognised one was confirmed, a misspelt one kept as written)."""
    replies: dict[str, bool] = {}
    for entry in entries:
        for correction in vocabulary.corrections(entry):
            replies[suggestion_key(item, entry, correction.written)] = False
        if vocabulary.match(entry).drugs:
            replies[f"{item.id}:confirm:{entry}"] = True
    return replies


def kept_as_written(entry: str, written: str) -> str:
    """What to say after a no to "Did you mean ...?"."""
    return (
        f"'{written}' is kept as you wrote it. It is not counted, and the result will suggest asking a "
        f"pharmacist about it."
        if written == entry
        else f"'{written}' in '{entry}' is kept as you wrote it. It is not counted, and the result will suggest "
        "asking a pharmacist about it."
    )


def resumed_without_asking(
    vocabulary: Vocabulary, entries: Iterable[str], how_to_change: str = "choose Medicines when you review your answers"
) -> list[str]:
    """What to say, when carrying on from a saved file, about each name in it that has a close
    vocabulary name: a file saved at Ctrl-C may hold names whose "Did you mean ...?" was never
    asked, and a file from another tool holds names nobody checked. They are kept as written
    (``checked_when_saved``), so the person is told, and where to change them (``how_to_change``:
    in the words of the terminal or of the web page)."""
    notes = []
    for entry in entries:
        for correction in vocabulary.corrections(entry):
            nearest = " or ".join(correction.names[:3])
            notes.append(
                f"'{correction.written}' is not a medicine name we know (did you mean {nearest}?), so it is kept "
                f"as written and not counted. To change it, {how_to_change}."
            )
    return notes
