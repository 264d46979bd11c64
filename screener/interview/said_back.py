"""What a reply was read as, said back right after it so that the person can correct it.

A time ("a week" is 7 days, "last week" is "In the last 7 days"), an item's note for a number
below its limit (an age under 18), and a reply in plain speech: "cramps in my legs at night" is
Muscle cramps, "yes, bendroflumethiazide" is Yes, and the medicine it names is to go on the
medicines list (said how, or said again at the medicines question when that comes later). A no or
not sure that names a medicine is asked again: whether it is taken is not clear.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from screener.interview.answer_paths import same_value
from screener.interview.day_replies import days_note, time_word_note
from screener.interview.questions import Reply
from screener.interview.replies import read_inside, said_with_more
from screener.interview.reply_words import MAX_MEDICATION_LENGTH, ReplyError, accepts_text

if TYPE_CHECKING:
    from screener.interview.questionnaire import Questionnaire
    from screener.interview.questionnaire_items import Item
    from screener.screening.medications import MedicationMatch, Vocabulary


class SaidMore(NamedTuple):
    """What a reply in plain speech was read as (``notes``), and the medicines it named that are
    to be typed at the medicines question, still to come (``type_later``)."""

    notes: tuple[str, ...]
    type_later: tuple[str, ...] = ()


def read_as(item: Item, word: str, value: Any) -> tuple[str, ...]:
    """What to say right after a reply to a question: what a time was read as ("a week" is 7
    days, "last week" is "In the last 7 days"), so that the person can correct it; and an item's
    note for a number below its limit (an age under 18), now rather than only with the result."""
    notes = [note for note in (days_note(item, word), time_word_note(item, word, value)) if note is not None]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        notes += [note for below, note in item.notes_below if value < below]
    return tuple(notes)


def said_in_more_words(
    item: Item,
    text: str,
    word: str,
    value: Any,
    vocabulary: Vocabulary,
    medicines: Item | None,
    listed: Callable[[], Iterable[MedicationMatch]],
    medicines_answered: bool,
) -> SaidMore | Reply:
    """What a reply in plain speech was read as, said back so that it can be corrected: "yes,
    bendroflumethiazide" is Yes (and the medicine named is to go on the medicines list: said
    how), "cramps in my legs at night" is Muscle cramps. A no or not sure that names a
    medicine is asked again: whether it is taken is not clear. ``medicines`` is the medicines
    question, ``listed`` its list as read so far, ``medicines_answered`` whether it has a reply."""
    notes = [f"'{part}' is read as '{'; '.join(c.label for c in inside)}'. If that is not right, go back and choose again."
             for part, inside in read_inside(item, word)]
    try:
        more = said_with_more(item, word)
    except ReplyError:
        more = None
    if more is None:
        return SaidMore(tuple(notes))
    drugs = vocabulary.match(more.rest).drugs if len(more.rest) <= MAX_MEDICATION_LENGTH else ()
    named = list(dict.fromkeys(drug.generic for drug in drugs))
    if named and value not in (True, "yes"):
        return Reply(
            "invalid",
            f"I read '{more.said}' ({more.choice.label}) at the start, but you also named {' and '.join(named)}, "
            f"so I cannot be sure. Please type {accepts_text(item)}; the medicines question asks for the names.",
        )
    notes.append(f"'{text}' is read as '{more.choice.label}'.")
    on_list = {drug.generic for match in (listed() if medicines else []) for drug in match.drugs}
    new = [name for name in named if name not in on_list]
    if not new or medicines is None:
        return SaidMore(tuple(notes))
    if not medicines_answered:
        return SaidMore(tuple(notes), tuple(new))  # said at the medicines question, where it is typed
    notes.append(
        f"You named {' and '.join(new)}, which is not on your medicines list: to add it, change your answer to "
        f"'{medicines.label}' when you review your answers at the end, so that it counts."
    )
    return SaidMore(tuple(notes))


def medicines_named_earlier(
    questionnaire: Questionnaire, named: Mapping[str, Iterable[str]], values: Mapping[str, Any]
) -> str | None:
    """At the medicines question: the medicines named in a yes before it (``named``, by question),
    to type here."""
    said = [
        (questionnaire.item(key).label, list(names))
        for key, names in named.items()
        if same_value(values.get(key), "yes")
    ]
    if not said:
        return None
    where = "; ".join(f"{' and '.join(names)} at '{label}'" for label, names in said)
    return f"You named {where}: type it here with your other medicines, so that it counts."
