"""Output: the report folder and its files (the only output code that touches paths).

:func:`write_report` writes the folder atomically; each format has a writer
registered in :data:`WRITERS`. The names are imported on first use (PEP 562): the
formats' names and their parsing (:mod:`landcheck.report.formats`) without the writers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from landcheck.lazy import lazy_exports

if TYPE_CHECKING:
    from landcheck.report.folder import WRITERS, write_report
    from landcheck.report.formats import FORMATS, parse_formats

_EXPORTS = {
    "FORMATS": "landcheck.report.formats",
    "WRITERS": "landcheck.report.folder",
    "parse_formats": "landcheck.report.formats",
    "write_report": "landcheck.report.folder",
}
"""Each public name → the module it is imported from when first asked for."""

__all__ = ["FORMATS", "WRITERS", "parse_formats", "write_report"]


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
