"""mgk-screen: a screener for combined magnesium and potassium depletion.

Screening and teaching only, never a diagnosis. Import what you need::

    from screener import Screener
    result = Screener().screen({"medications": ["Lasix 40 mg"], "symptoms": ["muscle_cramps"]})
    print(result.combined_depletion, result.urgency)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from screener.lazy import lazy_exports

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


# Imported on first use (PEP 562): `mgk-screen --help` and a module of the package used alone do not
# load what these names need.
__getattr__, __dir__ = lazy_exports(__name__, _LAZY, __all__)


class _FromTheCheckout:
    """Finds screener.rules, screener.cli and screener.personas in a source checkout, where they
    sit beside this folder (pyproject's package-dir installs them inside it).

    Python run in a clone's root (a notebook, `python -m screener.spark`, the subprocess of
    `rules check`) imports this folder before the installed package: without this finder, after a
    plain `pip install .` every screening there failed with "No module named 'screener.rules'"."""

    def __init__(self, root: str) -> None:
        import os

        self.folders = {
            "screener.rules": os.path.join(root, "rules"),
            "screener.cli": os.path.join(root, "cli"),
            "screener.personas": os.path.join(root, "examples", "personas"),
        }

    def find_spec(self, name: str, path: object = None, target: object = None) -> Any:
        import importlib.util
        import os

        folder = self.folders.get(name)
        if folder is None:
            return None
        return importlib.util.spec_from_file_location(name, os.path.join(folder, "__init__.py"), submodule_search_locations=[folder])


def _find_the_checkouts_parts() -> None:
    import os
    import sys

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    installed = os.path.isdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), "rules"))
    if not installed and os.path.isfile(os.path.join(root, "rules", "__init__.py")):
        # Last, so that an editable install's own finder (which knows these too) still answers first.
        sys.meta_path.append(_FromTheCheckout(root))


_find_the_checkouts_parts()
