"""``landcheck profile``: show and validate profiles."""

from __future__ import annotations

import click

__all__ = ["profile_group"]


@click.group("profile")
def profile_group() -> None:
    """Show a built-in profile (to copy and edit) or validate a profile file."""


@profile_group.command("show")
@click.argument("name", default="china-preexam")
def show_command(name: str) -> None:
    """Print the YAML of a built-in profile, e.g. `landcheck profile show > my.yaml`."""
    from landcheck.io.profiles import builtin_profile_text

    click.echo(builtin_profile_text(name), nl=False)


@profile_group.command("validate")
@click.argument("path")
def validate_command(path: str) -> None:
    """Validate a profile file; every problem is listed at once (exit 1 if any)."""
    from landcheck.io.profiles import resolve_profile

    profile = resolve_profile(path)
    click.echo(
        f"{path}: profile {profile.name!r} version {profile.version} is valid "
        f"({len(profile.layers)} layers, {len(profile.rules)} rules)"
    )
