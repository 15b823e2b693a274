"""Permanent basic farmland: may the project occupy it at all (自然资规〔2018〕3号)."""

from __future__ import annotations

from landcheck.rules.core import Decision, Evaluator, RuleInput, involvement
from landcheck.rules.lists import declare_text, item_text

__all__ = ["EVALUATORS"]


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
        if inp.in_types("never_types"):
            outcome = "never"
        else:
            outcome = "state_council" if match.on_list else "relocate"
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
    ),
)
