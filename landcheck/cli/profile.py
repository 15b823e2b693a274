"""``landcheck profile``: show and validate profiles, list their layer keys."""

from __future__ import annotations

import json

import click

from landcheck.cli.options import json_option
from landcheck.cli.terminal import terminal_text

__all__ = ["profile_group"]


@click.group("profile")
def profile_group() -> None:
    """Show, validate and document profiles: YAML to copy, problems, layer keys, rules."""


@profile_group.command("show")
@click.argument("name", default="china-preexam")
def show_command(name: str) -> None:
    """Print the YAML of a built-in profile, e.g. `landcheck profile show > my.yaml`."""
    from landcheck.io.profiles import builtin_profile_text

    click.echo(builtin_profile_text(name), nl=False)


@profile_group.command("validate")
@click.argument("path")
def validate_command(path: str) -> None:
    """Validate a profile file; every problem is listed at once (exit 1 if any).

    The index table its land_use_standard rule names (standards_table) is read and checked
    as a run would: a problem names the file, line and column.
    """
    from landcheck.io.profiles import validate_profile_file

    profile, tables = validate_profile_file(path)
    click.echo(
        terminal_text(
            f"{path}: profile {profile.name!r} version {profile.version} is valid "
            f"({len(profile.layers)} layers, {len(profile.rules)} rules)"
        )
    )
    for table in tables:
        rows = table.features_read
        click.echo(
            terminal_text(
                f"standards table {table.path!r}: {rows} row{'' if rows == 1 else 's'}, valid"
            )
        )


@profile_group.command("docs")
@click.argument("profile", default="china-preexam")
def docs_command(profile: str) -> None:
    """Print the rules of PROFILE as Markdown (rule, outcomes, basis with marks, documents, stage).

    docs/rules.md holds this text for the built-in profile.
    """
    from landcheck.io.profiles import resolve_profile
    from landcheck.rules.docs import rules_markdown

    click.echo(terminal_text(rules_markdown(resolve_profile(profile))), nl=False)


@profile_group.command("layers")
@click.argument("profile", default="china-preexam")
@json_option
def layers_command(profile: str, as_json: bool) -> None:
    """List the layer keys of PROFILE (a built-in name or a YAML file): what --layer KEY= takes.

    With --json: {"profile", "version", "layers": [{"key", "kind", "title": {"zh", "en"},
    "has_source"}]}.
    """
    from landcheck.io.postgis.url import redact
    from landcheck.io.profiles import resolve_profile

    resolved = resolve_profile(profile)
    if as_json:
        data = {
            "profile": resolved.name,
            "version": resolved.version,
            "layers": [
                {
                    "key": spec.key,
                    "kind": spec.kind,
                    "title": spec.title.to_dict(),
                    "has_source": spec.source is not None,
                }
                for spec in resolved.layers.values()
            ],
        }
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    width = max((len(key) for key in resolved.layers), default=0)
    for spec in resolved.layers.values():
        source = f"  (source: {redact(spec.source)})" if spec.source else ""
        click.echo(
            terminal_text(
                f"{spec.key:<{width}}  {spec.kind:<18}  {spec.title.zh} · {spec.title.en}{source}"
            )
        )
