"""Rules: evaluators that turn a site's overlaps into findings.

A profile rule names an *evaluator* (``check:``) from :data:`EVALUATORS`, the layer it
reads, parameters, its legal basis (each entry marked V, P or U), and the *outcomes* the
evaluator may choose, each with a status, a bilingual message template and the documents it
requires (each at its stage, 预审 or 报批). Evaluators hold the logic; the wording, the law
and the legal lists stay in the profile as data.

The package is split by family: :mod:`~landcheck.rules.core` (what an evaluator is given
and returns: inputs, decisions, findings), :mod:`~landcheck.rules.apply` (rules checked
against their evaluators, outcomes rendered into findings), :mod:`~landcheck.rules.farmland`,
:mod:`~landcheck.rules.redline`, :mod:`~landcheck.rules.planning`,
:mod:`~landcheck.rules.land` (cultivated land, conversion, 征收, whether 预审 is needed),
:mod:`~landcheck.rules.pv`, :mod:`~landcheck.rules.proximity`, and
:mod:`~landcheck.rules.registry`, which gathers them.
"""

from landcheck.rules.apply import (
    ProfileRules,
    evaluate_rule,
    evaluate_site,
    search_distance,
    validate_profile,
    validate_rule,
)
from landcheck.rules.core import (
    Decision,
    Evaluator,
    Finding,
    ProjectTotals,
    RuleInput,
    SiteInfo,
    worst_status,
)
from landcheck.rules.land import project_totals
from landcheck.rules.registry import EVALUATORS

__all__ = [
    "EVALUATORS",
    "Decision",
    "Evaluator",
    "Finding",
    "ProfileRules",
    "ProjectTotals",
    "RuleInput",
    "SiteInfo",
    "evaluate_rule",
    "evaluate_site",
    "project_totals",
    "search_distance",
    "validate_profile",
    "validate_rule",
    "worst_status",
]
