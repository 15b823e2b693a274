"""The rest of the review: forest, grassland, wetland, protected areas, minerals, heritage….

The checks are forest, grassland, wetland, protected areas, mineral rights,
geohazards (zones and points), heritage, illegal land and the land-use standard. Each
module holds one family's logic as :class:`~landcheck.rules.Evaluator` objects
in an ``EVALUATORS`` tuple, which :data:`landcheck.rules.registry.FAMILIES`
lists; the built-in profile gives each its layer, outcomes, wording, documents
and dated basis (each entry with its mark V/P/U). Layers are summed by the
attributes their profile entry maps to the review roles (grade, zone, level,
flag, type, mineral, holder, status: :data:`landcheck.profile.FIELD_ROLES`);
:mod:`~landcheck.review.common` holds what the checks share and
:mod:`~landcheck.review.standard_facts` the land-use standard's figures.
Who may take what is decided by the site's project facts
(:class:`landcheck.facts.ProjectFacts`) against project types and the
profile's lists, as the rules of :mod:`landcheck.rules` decide it.
"""
