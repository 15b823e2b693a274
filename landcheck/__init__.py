"""landcheck: land-use pre-examination and site selection for construction projects.

建设项目用地预审与选址: overlay a project's site boundary with permanent basic
farmland, the ecological protection redline, the urban development boundary,
planning zones and the land-use survey, and say what that means under the rules.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from landcheck._version import __version__
from landcheck.lazy import lazy_exports

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


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

logging.getLogger(__name__).addHandler(logging.NullHandler())
