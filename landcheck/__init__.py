"""landcheck: land-use pre-examination and site selection for construction projects.

建设项目用地预审与选址: overlay a project's site boundary with permanent basic
farmland, the ecological protection redline, the urban development boundary,
planning zones and the land-use survey, and say what that means under the rules.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
from typing import TYPE_CHECKING, Any

from landcheck._version import __version__

if TYPE_CHECKING:
    from landcheck.evaluation import check, evaluate
    from landcheck.io.filtered import clear_cache
    from landcheck.io.profiles import load_profile
    from landcheck.profile import Profile
    from landcheck.result import CheckResult
    from landcheck.run import Run, prepare
    from landcheck.select import avoid, buildable, compare, search

_EXPORTS = {
    "CheckResult": "landcheck.result",
    "Profile": "landcheck.profile",
    "Run": "landcheck.run",
    "avoid": "landcheck.select",
    "buildable": "landcheck.select",
    "check": "landcheck.evaluation",
    "clear_cache": "landcheck.io.filtered",
    "compare": "landcheck.select",
    "evaluate": "landcheck.evaluation",
    "load_profile": "landcheck.io.profiles",
    "prepare": "landcheck.run",
    "search": "landcheck.select",
}
"""Each public name → the module it is imported from when first asked for.

The package imports them on first use (PEP 562), not at ``import landcheck``:
the worker processes of a batch import :mod:`landcheck.cut` alone, which
would otherwise import every module, geopandas and pandas first.
"""

__all__ = [
    "CheckResult",
    "Profile",
    "Run",
    "__version__",
    "avoid",
    "buildable",
    "check",
    "clear_cache",
    "compare",
    "evaluate",
    "load_profile",
    "prepare",
    "search",
]


def __getattr__(name: str) -> Any:
    """A public name, imported from its module the first time (then kept here).

    A subpackage or module asked for as an attribute (``landcheck.report``,
    ``landcheck.tables``…) is imported too, as importing the package once
    imported most of them.
    """
    module = _EXPORTS.get(name)
    if module is not None:
        value = getattr(importlib.import_module(module), name)
    elif (
        name.isidentifier()  # not a dotted name: find_spec would import its parts
        and not name.startswith("_")
        and importlib.util.find_spec(f"{__name__}.{name}") is not None
    ):
        value = importlib.import_module(f"{__name__}.{name}")
    else:
        raise AttributeError(f"module 'landcheck' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})


logging.getLogger(__name__).addHandler(logging.NullHandler())
