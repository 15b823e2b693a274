"""Permanent basic farmland: may the project occupy it at all (自然资规〔2018〕3号)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from landcheck.facts import ProjectFacts
from landcheck.profile import Profile
from landcheck.rules.core import (
    Decision,
    Evaluator,
    RuleInput,
    in_types,
    involvement,
    list_match,
    reach_by,
)
from landcheck.rules.lists import declare_text, item_text

__all__ = ["EVALUATORS"]


def _taken(facts: ProjectFacts, params: Mapping[str, Any], profile: Profile) -> str:
    """The outcome of a project that takes farmland: never-types never, the list's, else relocate.

    Also what the facts let a project come to (``reach``): a PV array (``never_types``) never
    to ``state_council``; a project on the list with what it declares never to ``relocate``;
    one whose type no item names, whatever else it declares, never to ``state_council``.
    """
    if in_types(facts, params, "never_types"):
        return "never"
    return "state_council" if list_match(facts, params, profile, "list").on_list else "relocate"


def _permanent_farmland(inp: RuleInput) -> Decision:
    """Decide a farmland overlap: on the list → State Council, never-types → never, else relocate.

    "On the list" means with the evidence its item asks for; ``relocate`` says what to declare.
    """
    area = inp.layer.overlap
    outcome = involvement(inp, area, inp.layer.max_width_m)
    project_list = inp.project_list("list")
    match = inp.on_list("list")
    values = {
        "list_item": item_text(project_list, match),
        "declare": declare_text(project_list, match, inp.site.facts.project_type),
    }
    if outcome is None:
        outcome = _taken(inp.site.facts, inp.params, inp.profile)
    return Decision(outcome, area, values)


EVALUATORS = (
    Evaluator(
        "permanent_farmland",
        ("permanent_farmland",),
        ("not_involved", "sliver", "state_council", "relocate", "never"),
        _permanent_farmland,
        texts=("list_item", "declare"),
        params={"list": "list", "never_types": "types"},
        evidence=("state_council", "relocate", "never"),
        reach=reach_by(_taken, "not_involved", "sliver"),
    ),
)
