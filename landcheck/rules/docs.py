"""The rules of a profile as Markdown: rule → outcomes → basis (with marks) → documents → stage.

docs/rules.md holds this text for the built-in profile between two markers
(:data:`BEGIN`, :data:`END`); ``landcheck profile docs`` prints it, and a test fails when
the file and the profile drift apart.
"""

from __future__ import annotations

from landcheck.profile import Profile, Text
from landcheck.projects import ANY_TYPE
from landcheck.rules.registry import EVALUATORS

__all__ = ["BEGIN", "END", "rules_markdown"]

BEGIN = "<!-- begin generated: landcheck profile docs -->"
"""The line before the generated text in docs/rules.md."""

END = "<!-- end generated -->"
"""The line after it."""

_MARKS = {"V": "read in a full text", "P": "from a secondary source", "U": "not verified"}
_STAGES = {"preexam": "预审 (now)", "approval": "报批 (later)"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _mark(mark: str) -> str:
    return f"〔{mark}〕" if mark else ""


def _types(profile: Profile, keys: tuple[str, ...]) -> str:
    if ANY_TYPE in keys:
        return "any type"
    return ", ".join(f"`{k}`" for k in keys)


def _lists(profile: Profile) -> list[str]:
    lines = ["## The three lists", ""]
    for project_list in profile.lists.values():
        lines += [
            f"### `{project_list.key}` — {project_list.zh}",
            "",
            f"{project_list.en}. Source: {project_list.source_zh} ({project_list.date})"
            f"{_mark(project_list.mark)}.",
            "",
            "| item | covers | project types | plan levels | evidence | mark |",
            "|---|---|---|---|---|---|",
        ]
        for item in project_list.items:
            lines.append(
                f"| {item.id} | {_cell(item.zh)} ({_cell(item.en)}) | "
                f"{_types(profile, item.types)} | {', '.join(item.plan_levels) or 'any'} | "
                f"{', '.join(item.evidence) or '—'} | {item.mark} |"
            )
        lines.append("")
    return lines


def _project_types(profile: Profile) -> list[str]:
    lines = [
        "## Project types",
        "",
        "| type | 名称 | name | group | linear | also read from |",
        "|---|---|---|---|---|---|",
    ]
    legacy: dict[str, list[str]] = {}
    for klass, kind in profile.legacy_classes.items():
        legacy.setdefault(kind, []).append(klass)
    for kind in profile.project_types.values():
        aliases = ", ".join(kind.aliases)
        old = ", ".join(f"class `{c}`" for c in legacy.get(kind.key, []))
        also = "; ".join(p for p in (aliases, old) if p)
        lines.append(
            f"| `{kind.key}` | {kind.zh} | {kind.en} | {kind.group} | "
            f"{'yes' if kind.linear else 'no'} | {_cell(also)} |"
        )
    lines.append("")
    return lines


def _documents(documents: tuple[Text, ...], stages: tuple[str, ...]) -> str:
    stages = stages or ("preexam",) * len(documents)
    return (
        "<br>".join(f"{d.zh} ({_STAGES[s]})" for d, s in zip(documents, stages, strict=True)) or "—"
    )


def _rules(profile: Profile) -> list[str]:
    lines = ["## Rules", ""]
    for rule in profile.rules:
        evaluator = EVALUATORS[rule.check]
        layer = profile.layers[rule.layer]
        lines += [
            f"### `{rule.id}` — {rule.title.zh}",
            "",
            f"{rule.title.en}. Evaluator `{rule.check}` on layer `{rule.layer}` ({layer.kind}).",
            "",
        ]
        if rule.params:
            params = "; ".join(
                f"`{k}`: {', '.join(map(str, v)) if isinstance(v, list) else v}"
                for k, v in rule.params.items()
            )
            lines += [f"Parameters: {_cell(params)}.", ""]
        lines += [
            "| outcome | status | stands outside the described area | documents (stage) |",
            "|---|---|---|---|",
        ]
        for name, outcome in rule.outcomes.items():
            stands = "yes" if name in evaluator.evidence else "no"
            lines.append(
                f"| {name} | {outcome.status} | {stands} | "
                f"{_documents(outcome.documents, outcome.stages)} |"
            )
        lines += ["", "Basis:", ""]
        for basis in rule.basis:
            meaning = _MARKS.get(basis.mark, "mark not given")
            lines.append(f"- {basis.text.zh} ({basis.date}) {_mark(basis.mark)} — {meaning}")
        lines.append("")
    return lines


def rules_markdown(profile: Profile) -> str:
    """The rules, lists and project types of a profile as Markdown.

    Examples
    --------
    >>> from landcheck.io.profiles import load_profile
    >>> text = rules_markdown(load_profile())
    >>> "### `permanent_farmland` — 永久基本农田" in text, "〔P〕" in text
    (True, True)
    """
    lines = [
        f"Generated from profile `{profile.name}` version {profile.version} by "
        "`landcheck profile docs`; do not edit by hand. Marks: 〔V〕 read in a full text, "
        "〔P〕 from a secondary source, 〔U〕 not verified.",
        "",
        *_rules(profile),
        *_lists(profile),
        *_project_types(profile),
    ]
    return "\n".join(lines).rstrip("\n") + "\n"
