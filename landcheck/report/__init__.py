"""Output: the report folder and its files (the only output code that touches paths).

:func:`write_report` writes the folder atomically; each format has a writer
registered in :data:`WRITERS`.
"""

from landcheck.report.folder import FORMATS, WRITERS, parse_formats, write_report

__all__ = ["FORMATS", "WRITERS", "parse_formats", "write_report"]
