"""landcheck: land-use pre-examination and site selection for construction projects.

建设项目用地预审与选址: overlay a project's site boundary with permanent basic
farmland, the ecological protection redline, the urban development boundary,
planning zones and the land-use survey, and say what that means under the rules.
"""

import logging

from landcheck._version import __version__
from landcheck.evaluation import check, evaluate
from landcheck.io.filtered import clear_cache
from landcheck.io.profiles import load_profile
from landcheck.profile import Profile
from landcheck.result import CheckResult
from landcheck.run import Run, prepare
from landcheck.select import avoid, buildable, compare, search

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

logging.getLogger(__name__).addHandler(logging.NullHandler())
