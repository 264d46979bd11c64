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
    from screener.answers import Answers
    from screener.result import InvalidRecord, ScreeningResult
    from screener.ruleset import Ruleset, load_ruleset
    from screener.screening import InvalidAnswers, Screener

__all__ = ["Answers", "InvalidAnswers", "InvalidRecord", "Ruleset", "Screener", "ScreeningResult", "load_ruleset", "__version__"]

_LAZY = {
    "Answers": "screener.answers",
    "InvalidAnswers": "screener.screening",
    "InvalidRecord": "screener.result",
    "Ruleset": "screener.ruleset",
    "Screener": "screener.screening",
    "ScreeningResult": "screener.result",
    "load_ruleset": "screener.ruleset",
}


def __getattr__(name: str) -> Any:
    # Imported on first use so that `mgk-screen --help` does not load pydantic or the engine.
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'screener' has no attribute {name!r}")
