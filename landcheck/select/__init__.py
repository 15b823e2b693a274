"""Site selection (选址): buildable land, candidate comparison, avoidance and search.

- :func:`buildable`: the land in an area of interest free of the hard
  constraints, with buffers, a minimum width and a minimum patch area;
- :func:`compare`: alternative sites of one project ranked side by side (比选)
  by a stated, configurable rule (:mod:`landcheck.select.ranking`);
- :func:`avoid`: a site trimmed so it no longer touches the hard constraints;
- :func:`search`: proposed sites of a required area in the buildable land.

Every tool prepares one run of the polygons it is given
(:func:`landcheck.prepare`) and pre-examines the polygons it makes on that
run (:func:`landcheck.evaluate`), so nothing given is read twice; writing is
done by :mod:`landcheck.report.selection`.
"""

from landcheck.select.avoid import AvoidanceResult, avoid
from landcheck.select.buildable import BuildableResult, buildable
from landcheck.select.compare import ComparisonResult, compare
from landcheck.select.constraints import Constraint, hard_constraints
from landcheck.select.ranking import DEFAULT_WEIGHTS, RankingRule
from landcheck.select.search import SearchResult, search

__all__ = [
    "DEFAULT_WEIGHTS",
    "AvoidanceResult",
    "BuildableResult",
    "ComparisonResult",
    "Constraint",
    "RankingRule",
    "SearchResult",
    "avoid",
    "buildable",
    "compare",
    "hard_constraints",
    "search",
]
