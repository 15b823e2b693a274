"""A command that pre-examines sites, from its options to its exit code, the same way each time.

``landcheck check`` and the four ``landcheck select`` commands share two things:

* :func:`run_options` adds the options they all take (``--profile``, ``--layer``, ``--crs``,
  ``--area-method``, ``--encoding``, ``--datum-shift``, ``-o``, ``--overwrite``) and hands
  them to the command as one :class:`RunOptions`, the ``--layer`` values checked against the
  profile (a wrong key exits 2);
* :func:`finish` is the tail: refuse an output folder that cannot be written before any work
  (exit 1), start hashing the inputs for the output's records in the background, run the
  library function, log its warnings, write the output, print what was
  found and where it was written (unless ``-q``), and exit with the command's code (0, or
  3 for ``check --fail-on``).
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import click

from landcheck.cli.options import (
    area_method_option,
    crs_option,
    datum_shift_option,
    encoding_option,
    layer_option,
    output_option,
    overwrite_option,
    parse_layer_options,
    profile_option,
)

__all__ = ["RunOptions", "bundle", "finish", "one_or_many", "run_options"]

logger = logging.getLogger(__name__)


class Result(Protocol):
    """What a library tool returns, as far as the tail needs it."""

    warnings: list[str]


R = TypeVar("R", bound=Result)
Decorator = Callable[[Callable[..., None]], Callable[..., None]]


@dataclass(frozen=True)
class RunOptions:
    """The options every command that pre-examines sites takes, parsed and checked.

    Attributes
    ----------
    profile : str
        Built-in profile name or profile file.
    layers : dict
        Layer key (``+key`` for a layer of the user's own) → source.
    crs, area_method, encoding : str or None
        As the library functions take them (None: their default).
    datum_shift : DatumShift or None
        The 7 Helmert parameters, when given.
    output : str
        The output folder.
    overwrite : bool
        Whether an output folder landcheck wrote may be replaced.
    """

    profile: str
    layers: dict[str, str]
    crs: str | None
    area_method: str | None
    encoding: str | None
    datum_shift: object | None
    output: str
    overwrite: bool

    @property
    def library(self) -> dict[str, Any]:
        """Keyword arguments of :func:`landcheck.check` and of the selection tools."""
        return {
            "profile": self.profile,
            "layers": self.layers,
            "crs": self.crs,
            "area_method": self.area_method,
            "encoding": self.encoding,
            "datum_shift": self.datum_shift,
        }

    @classmethod
    def parse(
        cls,
        profile: str,
        layers: tuple[str, ...],
        crs: str | None,
        area_method: str | None,
        encoding: str | None,
        datum_shift: object | None,
        output: str,
        overwrite: bool,
    ) -> RunOptions:
        """Build the options from their values; an unknown ``--layer`` key exits 2.

        A key is unknown when the profile does not define it and it is not marked
        ``+`` (a layer of the user's own). The layers' files start being hashed
        first (:func:`~landcheck.io.records.start_hashing`): checking the keys loads
        the profile and the libraries that read layers, which then load beside it.
        """
        from landcheck.io.records import start_hashing

        start_hashing(value.partition("=")[2] for value in layers)
        return cls(
            profile,
            parse_layer_options(layers, profile),
            crs,
            area_method,
            encoding,
            datum_shift,
            output,
            overwrite,
        )

    def inputs(self, *sources: str | None, more: Iterable[str | None] = ()) -> list[str | None]:
        """Every file the run reads, which an output never replaces.

        The command's own ``sources``, the layers, the profile, then ``more``.
        """
        return [*sources, *self.layers.values(), self.profile, *more]


def one_or_many(sources: tuple[str, ...]) -> str | list[str]:
    """One source as itself, several as a list, as the library functions take them.

    Examples
    --------
    >>> one_or_many(("a.gpkg",)), one_or_many(("a.gpkg", "b.txt"))
    ('a.gpkg', ['a.gpkg', 'b.txt'])
    """
    return list(sources) if len(sources) > 1 else sources[0]


def bundle(name: str, build: Callable[..., Any], options: list[Decorator]) -> Decorator:
    """Add ``options`` to a command and hand their values to it as one argument.

    The command gets ``name=build(**values)`` instead of the options' own values;
    ``build``'s parameters are the options' names.
    """
    names = list(inspect.signature(build).parameters)

    def decorate(command: Callable[..., None]) -> Callable[..., None]:
        @functools.wraps(command)
        def invoke(*args: Any, **values: Any) -> None:
            taken = {key: values.pop(key) for key in names}
            return command(*args, **{name: build(**taken)}, **values)

        for option in reversed(options):
            invoke = option(invoke)
        return invoke

    return decorate


def run_options(output: str, output_help: str = "Output folder.") -> Decorator:
    """Add the shared options to a command and hand them to it as ``run``, a RunOptions.

    ``output`` is the command's default output folder.
    """
    return bundle(
        "run",
        RunOptions.parse,
        [
            profile_option,
            layer_option,
            crs_option,
            area_method_option,
            encoding_option,
            datum_shift_option,
            output_option(output, output_help),
            overwrite_option,
        ],
    )


def finish(
    ctx: click.Context,
    run: RunOptions,
    *,
    inputs: list[str | None],
    tool: Callable[[], R],
    write: Callable[..., dict[str, str]],
    show: Callable[[R], None],
    written: str,
    exit_code: Callable[[R], int] = lambda result: 0,
) -> None:
    """Run a library tool and write its output: the shared tail of the commands.

    Parameters
    ----------
    ctx : click.Context
        The command's context (its root holds the verbosity).
    run : RunOptions
        The shared options (output folder and whether to replace it).
    inputs : list
        Every file the run reads (:meth:`RunOptions.inputs`).
    tool : callable
        Runs the library function and returns its result.
    write : callable
        ``write(result, output, overwrite=…, inputs=…)`` writes the output folder and
        returns the files written (name → path).
    show : callable
        ``show(result)`` prints what was found.
    written : str
        The words before the output folder in the line saying where it was written.
    exit_code : callable
        The exit code the result calls for (0 by default).
    """
    from landcheck.io.output import check_folder
    from landcheck.io.records import start_hashing

    check_folder(run.output, overwrite=run.overwrite, inputs=inputs)
    start_hashing(inputs)  # before the libraries the tool imports: they load while it hashes
    from landcheck.cli.summary import echo_written
    from landcheck.gcpause import left_to_the_system

    result = tool()
    for warning in result.warnings:
        logger.warning(warning)
    paths = write(result, run.output, overwrite=run.overwrite, inputs=inputs)
    if ctx.find_root().obj["verbosity"] >= 0:
        show(result)
        echo_written(written, run.output, paths)
    code = exit_code(result)
    left_to_the_system(result)  # the command ends here: its result is not freed piece by piece
    if code:
        ctx.exit(code)
