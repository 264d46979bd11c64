"""What turning FHIR into answers gives: the answers, what is wrong and where, and where each
answer came from (so that a problem found later, when the answers are validated, still names
the place in the FHIR input that holds it)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from screener.contract.validation import Problem


@dataclass
class Conversion:
    """One record's answers read from FHIR, or the problems that stop it."""

    answers: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    origins: dict[str, str] = field(default_factory=dict)
    """Answers field (dotted path) -> JSON path of the FHIR element it was read from."""
    record_id: str | None = None
    subject: dict[str, Any] | None = None
    """A FHIR Reference to the person (the Patient), when the input names one."""
    basis: list[dict[str, Any]] = field(default_factory=list)
    """FHIR References to the resources the answers were read from."""
    notes: list[str] = field(default_factory=list)
    """What the record holds that could not be read, when the person should know it (a Condition
    with no code we read): added to the result's warnings, never a reason not to screen."""

    dated_in_future: list[str] = field(default_factory=list)
    """The resources left out as dated in the future (no reference date given), named with their
    dates, for one warning (``lab_times.future_warning``)."""

    nameless_medicines: dict[str, str] = field(default_factory=dict)
    """The text read for each medicine the record gives no name for ("RxNorm 313988") -> why it
    has none: the warning about it is said in those words (``medicines.said_of_nameless``)."""

    labs_left_unanswered: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Lab -> (the warning, and a few words of it: "flagged critical low (LL), with no number") saying why its most recent result was not used and no older one stood
    in (a lab flag with no number, a status neither final nor void): a clinician must see it first
    (the CDS card leads with it), since the lab's answer may be the most urgent thing in the record."""

    def left_unanswered(self, lab: str, text: str, short: str) -> None:
        """A lab left unanswered because its most recent result cannot be read: noted, and kept."""
        self.note(text)
        self.labs_left_unanswered.setdefault(lab, (text, short))

    def problem(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def add_basis(self, resource: Mapping[str, Any]) -> None:
        """Name a resource an answer came from, when it can be named (it has an id)."""
        if isinstance(resource.get("id"), str):
            reference = {"reference": f"{resource.get('resourceType')}/{resource['id']}"}
            if reference not in self.basis:
                self.basis.append(reference)

    def locate(self, problems: list[Problem]) -> list[Problem]:
        """Problems found in the answers (``$.labs.potassium.value``), moved to the FHIR element
        the answer came from; the answers path is kept in the message."""
        located = []
        for problem in problems:
            field_path = problem.path.removeprefix("$").lstrip(".").replace("[", ".[")
            origin = self._origin_of(field_path)
            if origin is None:
                located.append(problem)
            else:
                located.append(Problem(origin, f"{problem.message} (answers field {problem.path})"))
        return located

    def _origin_of(self, field_path: str) -> str | None:
        parts = field_path.split(".") if field_path else []
        while parts:
            origin = self.origins.get(".".join(part for part in parts if not part.startswith("[")))
            if origin is not None:
                return origin
            parts.pop()
        # A problem with a whole section (``$.alcohol.audit_c``): the first answer inside it.
        prefix = ".".join(part for part in field_path.split(".") if part and not part.startswith("[")) + "."
        inside = [path for name, path in self.origins.items() if name.startswith(prefix)]
        return inside[0] if inside else None


def child(path: str, name: str | int) -> str:
    """A JSON path one step further: ``child("$.item[3]", "answer")``."""
    return f"{path}[{name}]" if isinstance(name, int) else f"{path}.{name}"


def describe(value: Any) -> str:
    """A short rendering of a value for a message."""
    text = repr(value) if not isinstance(value, (dict, list)) else type(value).__name__
    return text if len(text) <= 60 else text[:57] + "..."
