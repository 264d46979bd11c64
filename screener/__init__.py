"""mgk-screen: a screener for combined magnesium and potassium depletion.

Screening and teaching only, never a diagnosis. Import what you need::

    from screener import Screener
    result = Screener().screen({"medications": ["Lasix 40 mg"], "symptoms": ["muscle_cramps"]})
    print(result.combined_depletion, result.urgency)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from screener.contract.answers import Answers
    from screener.contract.result import InvalidRecord, ScreeningResult
    from screener.screening.pipeline import InvalidAnswers, Screener
    from screener.screening.ruleset import Ruleset, load_ruleset

__all__ = ["Answers", "InvalidAnswers", "InvalidRecord", "Ruleset", "Screener", "ScreeningResult", "__version__", "load_ruleset"]

_LAZY = {
    "Answers": "screener.contract.answers",
    "InvalidAnswers": "screener.screening.pipeline",
    "InvalidRecord": "screener.contract.result",
    "Ruleset": "screener.screening.ruleset",
    "Screener": "screener.screening.pipeline",
    "ScreeningResult": "screener.contract.result",
    "load_ruleset": "screener.screening.ruleset",
}


def __getattr__(name: str) -> Any:
    # Imported on first use so that `mgk-screen --help` does not load pydantic or the engine.
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'screener' has no attribute {name!r}")


def __dir__() -> list[str]:
    # What a notebook's tab completion offers: the public names, loaded or not yet.
    return sorted(__all__)
