"""A package's public names imported from their modules on first use (PEP 562).

Importing one module of a package runs the package's ``__init__`` first; when
that ``__init__`` imported every module it re-exports, asking for a light
module (the command's output guard, its inputs' hashing, the report formats'
names) imported the readers and writers too, and with them pandas and
geopandas. A package built with :func:`lazy_exports` imports a name's module
when the name is first asked for.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(
    package: str, exports: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of a package whose names are imported when asked for.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    exports : mapping of str to str
        Each public name → the module it is imported from.

    Returns
    -------
    tuple of callable
        ``__getattr__(name)``: the name, imported from its module the first time
        and then kept in the package (a module of the package asked for as an
        attribute, ``landcheck.report`` say, is imported then, as importing the
        package once imported it); ``__dir__()``: the package's names and those
        not imported yet.

    Examples
    --------
    >>> import landcheck.io
    >>> "LayerSource" in dir(landcheck.io)
    True
    >>> landcheck.io.LayerSource.__module__
    'landcheck.io.vector'
    """

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is not None:
            value = getattr(importlib.import_module(module), name)
        elif (
            name.isidentifier()  # not a dotted name: find_spec would import its parts
            and not name.startswith("_")
            and importlib.util.find_spec(f"{package}.{name}") is not None
        ):
            value = importlib.import_module(f"{package}.{name}")
        else:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[package]), *exports})

    return __getattr__, __dir__
