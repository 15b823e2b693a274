"""The Processing provider ``landcheck``: its options and its three algorithms.

Options (Processing ▸ Options ▸ Providers ▸ landcheck):

``LANDCHECK_ENVIRONMENT``
    The Python environment whose ``landcheck`` runs: a virtual environment
    folder or the executable. Empty: the one ``make qgis-plugin`` recorded,
    else ``landcheck`` on the PATH (see :mod:`.environment`).
``LANDCHECK_PROFILE``
    The profile (built-in name or YAML file) whose layer keys become the
    algorithms' layer parameters, and the default profile of a run.

The layer keys are asked of the configured landcheck when the provider loads
(and again when the options change); when it cannot answer, the keys of the
built-in profile ``china-preexam`` are used and the log says why.
"""

from __future__ import annotations

import os

from processing.core.ProcessingConfig import ProcessingConfig, Setting
from qgis.core import Qgis, QgsMessageLog, QgsProcessingProvider

from .algorithms import AvoidAlgorithm, CheckAlgorithm, CompareAlgorithm
from .environment import (
    FALLBACK_LAYERS,
    EnvironmentProblem,
    LayerKey,
    forget_check_options,
    profile_layers,
)
from .settings import (
    DEFAULT_PROFILE,
    ENVIRONMENT_SETTING,
    PROFILE_SETTING,
    default_profile,
    landcheck_executable,
)

__all__ = ["ENVIRONMENT_SETTING", "PROFILE_SETTING", "LandcheckProvider"]


class LandcheckProvider(QgsProcessingProvider):
    """Processing provider ``landcheck``: check, compare, avoid."""

    def __init__(self) -> None:
        super().__init__()
        self.layer_keys: tuple[LayerKey, ...] = FALLBACK_LAYERS

    def id(self) -> str:
        """The provider id in algorithm ids (``landcheck:check``)."""
        return "landcheck"

    def name(self) -> str:
        """Name shown in the Processing toolbox."""
        return "landcheck"

    def longName(self) -> str:  # the name QGIS calls
        """Name with what it does."""
        return "landcheck — land pre-examination and site selection (用地预审与选址)"

    def load(self) -> bool:
        """Add the provider's options, then load the algorithms."""
        ProcessingConfig.settingIcons[self.name()] = self.icon()
        ProcessingConfig.addSetting(
            Setting(
                self.name(),
                ENVIRONMENT_SETTING,
                "landcheck environment (virtual environment folder or the landcheck "
                "command; empty: the one `make qgis-plugin` recorded, else PATH)",
                "",
                valuetype=Setting.FOLDER,
            )
        )
        ProcessingConfig.addSetting(
            Setting(
                self.name(),
                PROFILE_SETTING,
                "Profile for the layer parameters and by default (built-in name or YAML file)",
                DEFAULT_PROFILE,
                valuetype=Setting.STRING,
            )
        )
        ProcessingConfig.readSettings()
        self.refreshAlgorithms()
        return True

    def unload(self) -> None:
        """Remove the provider's options."""
        for name in (ENVIRONMENT_SETTING, PROFILE_SETTING):
            if name in ProcessingConfig.settings:
                ProcessingConfig.removeSetting(name)

    def loadAlgorithms(self) -> None:  # the name QGIS calls
        """Ask landcheck for the profile's layer keys and add the algorithms."""
        forget_check_options()
        self.layer_keys = self._layer_keys()
        for algorithm in (CheckAlgorithm, CompareAlgorithm, AvoidAlgorithm):
            self.addAlgorithm(algorithm(self.layer_keys))

    def _layer_keys(self) -> tuple[LayerKey, ...]:
        profile = default_profile()
        try:
            keys = profile_layers(landcheck_executable(), profile)
        except EnvironmentProblem as ex:
            QgsMessageLog.logMessage(
                f"the layer keys of profile {profile!r} could not be read ({ex}); the "
                "algorithms offer those of the built-in profile china-preexam",
                "landcheck",
                Qgis.Warning,
            )
            return FALLBACK_LAYERS
        return keys or FALLBACK_LAYERS

    def icon(self):
        """The provider's icon."""
        from qgis.PyQt.QtGui import QIcon

        return QIcon(os.path.join(os.path.dirname(__file__), "icon.svg"))
