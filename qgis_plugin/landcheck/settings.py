"""The provider's options as the algorithms read them: which landcheck runs, which profile.

Kept apart from :mod:`.provider` (which builds the algorithms) so that the
algorithms read the options without importing the provider.
"""

from __future__ import annotations

from processing.core.ProcessingConfig import ProcessingConfig

from .environment import configured_environment, find_landcheck

__all__ = [
    "DEFAULT_PROFILE",
    "ENVIRONMENT_SETTING",
    "PROFILE_SETTING",
    "default_profile",
    "landcheck_executable",
]

ENVIRONMENT_SETTING = "LANDCHECK_ENVIRONMENT"
PROFILE_SETTING = "LANDCHECK_PROFILE"
DEFAULT_PROFILE = "china-preexam"


def _setting(name: str) -> str:
    value = ProcessingConfig.getSetting(name)
    return str(value).strip() if value else ""


def landcheck_executable() -> str:
    """The landcheck command the options point to.

    Raises
    ------
    EnvironmentProblem
        None is configured or found; the message says how to fix it.
    """
    return find_landcheck(configured_environment(_setting(ENVIRONMENT_SETTING)))


def default_profile() -> str:
    """The profile of the options (``china-preexam`` when empty)."""
    return _setting(PROFILE_SETTING) or DEFAULT_PROFILE
