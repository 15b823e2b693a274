"""landcheck for QGIS: the Processing provider ``landcheck`` (check, compare, avoid).

QGIS loads this folder as a plugin and calls :func:`classFactory`. Nothing here
imports landcheck itself: the algorithms run the ``landcheck`` command of a
configured Python environment (see :mod:`.environment`).
"""


def classFactory(iface):  # the name QGIS calls
    """Return the plugin object QGIS keeps while the plugin is enabled."""
    from .plugin import LandcheckPlugin

    return LandcheckPlugin(iface)
