"""Why not the next level: what further finding would raise the headline one level.

"Combined depletion would be likely with 2 magnesium-loss factors (now: 1)": worked out from the
rules themselves (the rules that raise the headline to the next level, and which of their
comparisons the facts do not meet), so a rule edit changes it with no code change.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from screener.screening.conditions import Leaf, describe_leaf, value_getter
from screener.screening.ruleset import Rule, Ruleset

_MEMO_SIZE = 4096  # remembered answers (combinations of levels and counts)


class NextLevel:
    """Answers "what would raise the headline?" for one ruleset; build once, ask per result."""

    def __init__(self, ruleset: Ruleset) -> None:
        self.ruleset = ruleset
        headline = ruleset.headline
        # What the answer depends on: the facts the rules raising the headline test (and the
        # caps, which the caller gives).
        self._reads = tuple(
            value_getter(name)
            for name in dict.fromkeys(
                leaf.fact for rule in ruleset.rules if headline in rule.then.get("raise", {}) for leaf in rule.condition.leaves()
            )
        )
        self._memo: dict[tuple[Any, ...], tuple[str, ...]] = {}
        self._raising: dict[tuple[str, str], list[Rule]] = {}
        self._risk_group = {group: bool(spec["risk_factor"]) for group, spec in ruleset.evidence_groups.items()}
        self._urgency_only_symptoms = _urgency_only_symptoms(ruleset)

    def missing(self, facts: Mapping[str, Any], capped_by: Sequence[str] = ()) -> list[str]:
        """What further finding would raise the headline to its next level, one line per way.
        ``capped_by``: the rules that capped a level ("a current normal potassium result:
        potassium depletion unlikely now"). A capped level is not raised by more findings, so a
        way through it names its cap instead.

        It reads only the headline, the facts the rules raising it test (levels and counts, a
        few values each), the symptoms that count only for urgency and the caps, so it is worked
        out once per combination of those (told apart by type: true is not 1)."""
        values = [facts.get(self.ruleset.headline), *(get(facts) for get in self._reads)]
        urgency_only = facts.get("symptoms", {})
        try:
            key = (
                *map(type, values),
                *values,
                *(code for code in self._urgency_only_symptoms if urgency_only.get(code)),
                "capped by",
                *capped_by,
            )
            known = self._memo.get(key)
        except TypeError:  # a value that is not hashable: worked out every time
            return self._missing(facts, capped_by)
        if known is None:
            if len(self._memo) >= _MEMO_SIZE:
                self._memo.clear()
            known = self._memo[key] = tuple(self._missing(facts, capped_by))
        return list(known)

    def _missing(self, facts: Mapping[str, Any], capped_by: Sequence[str]) -> list[str]:
        scale = self.ruleset.scales[self.ruleset.headline]
        current = scale.rank(facts[scale.name])
        if current + 1 >= len(scale.values):
            return []
        target = scale.values[current + 1]
        caps = self._caps(capped_by)
        missing: list[str] = []
        for rule in self._rules_raising(scale.name, target):
            for option in rule.condition.unmet(facts)[:1]:  # no rule tests "step"
                words = " and ".join(self._describe_unmet(leaf, facts, caps) for leaf in _unique(option))
                if any(self._counts_symptoms(leaf.fact) for leaf in option):
                    words += self._urgency_only_note(facts)
                line = f"{scale.label} would be {target} with {words} ({rule.title})"
                if words and line not in missing:
                    missing.append(line)
        return missing

    def _counts_symptoms(self, fact: str) -> bool:
        spec = self.ruleset.tallies.get(fact.removeprefix("count.")) if fact.startswith("count.") else None
        return spec is not None and not any(self._risk_group[group] for group in spec["groups"])

    def _urgency_only_note(self, facts: Mapping[str, Any]) -> str:
        """"Would need 2 symptoms (now: 1)" reads wrong to someone who gave two, one of them a
        symptom that only drives urgency: name it as such."""
        given = sorted(code for code, on in facts.get("symptoms", {}).items() if on and code in self._urgency_only_symptoms)
        if not given:
            return ""
        names = " and ".join(code.replace("_", " ") for code in given)
        verb = "counts" if len(given) == 1 else "count"
        return f"; {names} {verb} only towards how soon to see a clinician, not as a symptom here"

    def _rules_raising(self, scale_name: str, value: str) -> list[Rule]:
        key = (scale_name, value)
        if key not in self._raising:
            self._raising[key] = [r for r in self.ruleset.rules if r.then.get("raise", {}).get(scale_name) == value]
        return self._raising[key]

    def _caps(self, capped_by: Sequence[str]) -> dict[str, list[tuple[int, Rule]]]:
        """Per level, the caps on it: (the rank it is held to, the rule)."""
        holding: dict[str, list[tuple[int, Rule]]] = {}
        for rule in map(self.ruleset.rule, capped_by):
            for name, value in rule.then.get("cap", {}).items():
                holding.setdefault(name, []).append((self.ruleset.scales[name].rank(value), rule))
        return holding

    def _describe_unmet(self, leaf: Leaf, facts: Mapping[str, Any], caps: Mapping[str, list[tuple[int, Rule]]]) -> str:
        words = describe_leaf(self.ruleset, leaf, facts)
        scale = self.ruleset.scales.get(leaf.fact)
        if scale is None or leaf.operator not in ("is", "in"):
            return words
        wanted = min(leaf.value if isinstance(leaf.value, list) else [leaf.value], key=scale.rank)
        # A level held down by a cap is not raised by more findings: name what holds it.
        holding = [rule.title for rank, rule in caps.get(scale.name, ()) if rank < scale.rank(wanted)]
        if holding:
            return _noted(words, f"held there by: {'; '.join(holding)}")
        # A missing level is itself a conclusion: name the findings that would reach it.
        routes = [rule.title.split(":")[0] for rule in self._rules_raising(scale.name, wanted)]
        return _noted(words, f"reached by any of: {'; '.join(routes)}") if routes else words


def _noted(words: str, note: str) -> str:
    """Words with a note in their closing brackets ("... (now: unlikely; reached by any of: A; B)"),
    so that the list in the note cannot be read as running on into the next condition."""
    return f"{words[:-1]}; {note})" if words.endswith(")") else f"{words} ({note})"


def _urgency_only_symptoms(ruleset: Ruleset) -> frozenset[str]:
    """Symptoms that rules weigh for urgency but never count as evidence for a level (palpitations)."""
    counted: set[str] = set()
    for_urgency: set[str] = set()
    for rule in ruleset.rules:
        symptoms = {leaf.fact.removeprefix("symptoms.") for leaf in rule.condition.leaves() if leaf.fact.startswith("symptoms.")}
        if "evidence" in rule.then:
            counted |= symptoms
        if "urgency" in rule.then.get("raise", {}):
            for_urgency |= symptoms
    return frozenset(for_urgency - counted)


def _unique(leaves: list[Leaf]) -> list[Leaf]:
    seen: set[tuple[str, str]] = set()
    out = []
    for leaf in leaves:
        key = (leaf.fact, leaf.operator)
        if key not in seen:
            seen.add(key)
            out.append(leaf)
    return out
