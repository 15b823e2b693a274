"""The plugin object: registers the Processing provider, also in ``qgis_process``."""

from __future__ import annotations

from qgis.core import QgsApplication

from .provider import LandcheckProvider


class LandcheckPlugin:
    """Adds the ``landcheck`` provider to the Processing registry while enabled."""

    def __init__(self, iface) -> None:
        self.iface = iface
        self.provider: LandcheckProvider | None = None

    def initProcessing(self) -> None:  # the name QGIS calls
        """Register the provider (QGIS calls this for ``qgis_process`` too)."""
        if self.provider is None:
            self.provider = LandcheckProvider()
            QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self) -> None:  # the name QGIS calls
        """Register the provider when QGIS starts with a window."""
        self.initProcessing()

    def unload(self) -> None:
        """Remove the provider and its Processing options."""
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
