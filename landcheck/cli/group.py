"""The ``landcheck`` click group: verbosity, error handling, and the commands.

Errors landcheck raises on purpose (:class:`~landcheck.errors.LandcheckError`)
print one line on stderr and exit with code 1; ``-v`` adds the traceback.
Usage errors exit with 2 (click's convention); ``check --fail-on`` exits with 3.
The command's entry point, :func:`landcheck.cli.main.main`, imports this module
once it holds SIGINT, so a Ctrl-C during these imports is not lost.
"""

from __future__ import annotations

import logging
import sys
import traceback
from typing import Any

import click

from landcheck._version import __version__
from landcheck.cli.check import check_command
from landcheck.cli.convert import convert_command
from landcheck.cli.demo import demo_command
from landcheck.cli.inspect import inspect_command
from landcheck.cli.options import quiet_option, verbose_option
from landcheck.cli.profile import profile_group
from landcheck.cli.sample import sample_command
from landcheck.cli.select import select_group
from landcheck.cli.terminal import TerminalFormatter, terminal_text
from landcheck.errors import LandcheckError

__all__ = ["cli"]


class _LandcheckGroup(click.Group):
    """A group that turns landcheck errors into one clear line and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except LandcheckError as ex:
            self._fail(ctx, ex, internal=False)
        except Exception as ex:  # a bug: say so, keep the traceback behind -v
            if _interrupted(ex):
                raise click.Abort from ex
            self._fail(ctx, ex, internal=True)

    @staticmethod
    def _fail(ctx: click.Context, ex: BaseException, *, internal: bool) -> None:
        verbose = (ctx.obj or {}).get("verbosity", 0) > 0
        if verbose:
            traceback.print_exception(type(ex), ex, ex.__traceback__, file=sys.stderr)
        if internal:
            hint = "" if verbose else " (run with -v for the traceback)"
            message = f"internal error: {type(ex).__name__}: {ex}{hint}"
        else:
            message = str(ex)
        click.echo(f"Error: {terminal_text(message)}", err=True)
        ctx.exit(1)


def _interrupted(ex: BaseException) -> bool:
    """Whether a Ctrl-C lies under an error: Python 3.11 wraps one raised while a class is made.

    A SIGINT during a module's first import (the commands import lazily) may land in a
    dataclass's ``__set_name__``, which Python reports as ``RuntimeError: Error calling
    __set_name__``; it was printed as an internal error instead of ``Aborted!``.
    """
    seen: set[int] = set()
    current: BaseException | None = ex
    while current is not None and id(current) not in seen:
        if isinstance(current, KeyboardInterrupt):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


@click.group(
    cls=_LandcheckGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    params=[verbose_option(), quiet_option()],
)
@click.version_option(__version__, prog_name="landcheck")
@click.pass_context
def cli(ctx: click.Context, verbose: int, quiet: bool) -> None:
    """Land-use pre-examination and site selection (建设项目用地预审与选址).

    Check project sites against permanent basic farmland, the ecological
    protection redline, the urban development boundary, planning zones and
    the land-use survey, and write a report folder.
    """
    ctx.obj = {"verbosity": 0}
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(TerminalFormatter("%(levelname)s: %(message)s"))
    logging.basicConfig(handlers=[handler])
    logging.captureWarnings(True)
    _set_verbosity(ctx, -1 if quiet else verbose)


def _set_verbosity(ctx: click.Context, verbosity: int) -> None:
    """Record the verbosity and set the log level: -1 errors only, 0 warnings, 1 info, 2 debug.

    Warnings of the libraries underneath (GDAL through pyogrio, geopandas, shapely…) are
    shown only from 1 (``-v``) on: what they mean for a check is in landcheck's own warnings.
    """
    ctx.find_root().ensure_object(dict)["verbosity"] = verbosity
    level = (
        max(logging.DEBUG, logging.WARNING - 10 * verbosity) if verbosity >= 0 else logging.ERROR
    )
    logging.getLogger().setLevel(level)
    logging.getLogger("py.warnings").setLevel(logging.WARNING if verbosity > 0 else logging.ERROR)


def _quiet(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        _set_verbosity(ctx, -1)


def _verbose(ctx: click.Context, param: click.Parameter, value: int) -> None:
    if value:
        _set_verbosity(ctx, max(ctx.find_root().obj["verbosity"], 0) + value)


def _accept_verbosity_anywhere(command: click.Command) -> None:
    """Let ``-q`` and ``-v`` also follow the command (``landcheck check … -q``)."""
    command.params += [
        quiet_option(expose_value=False, callback=_quiet),
        verbose_option(expose_value=False, callback=_verbose),
    ]
    for sub in getattr(command, "commands", {}).values():
        _accept_verbosity_anywhere(sub)


cli.add_command(check_command)
cli.add_command(convert_command)
cli.add_command(demo_command)
cli.add_command(sample_command)
cli.add_command(inspect_command)
cli.add_command(profile_group)
cli.add_command(select_group)


for _command in cli.commands.values():
    _accept_verbosity_anywhere(_command)
