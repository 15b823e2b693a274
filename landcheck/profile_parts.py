"""The parts of a profile: texts, legal basis, outcomes, layer and rule specs, analysis options.

Plain frozen records and the schema's fixed vocabularies (statuses, layer kinds,
field roles, stages, analysis bounds). :mod:`landcheck.profile` builds them from
a profile's data, checking every value on the way; everything that reads a
profile (rules, reports, the run) reads these.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from landcheck.units import AreaMethod

__all__ = [
    "ANALYSIS_BOUNDS",
    "FIELD_ROLES",
    "LAYER_KINDS",
    "NO_TEXT",
    "POINT_KINDS",
    "PROFILE_SCHEMA",
    "STAGES",
    "STATUSES",
    "AnalysisOptions",
    "Basis",
    "CoverageSpec",
    "LayerSpec",
    "Outcome",
    "RuleSpec",
    "Text",
    "strip_width",
]

PROFILE_SCHEMA = "landcheck/profile@1"

ANALYSIS_BOUNDS = {
    "sliver.area_m2": (1.0, 100.0),
    "sliver.width_m": (0.0, 1.0),
    "declared_area_tolerance": (0.0, 0.1),
}
"""Allowed range (inclusive) of each number under ``analysis``. A larger sliver threshold
would turn real occupations into boundary-precision notes; sub-square-metre overlaps are
never conflicts."""

STATUSES = ("prohibited", "unknown", "conditional", "info", "not_involved")
"""Finding statuses, worst first; a site's status is its worst finding's."""

LAYER_KINDS = (
    "permanent_farmland",
    "eco_redline",
    "urban_boundary",
    "planning_zone",
    "land_use",
    "admin",
    "protected_area",
    "approved_land",
    "generic",
    # the rest of the review (landcheck.review)
    "forest",
    "grassland",
    "wetland",
    "mineral_rights",
    "geohazard_zone",
    "hazard_points",
    "heritage",
    "illegal_land",
)
"""What a layer means to the rules."""

POINT_KINDS = ("hazard_points",)
"""Layer kinds whose features are points (their rules measure distances, never areas)."""

STAGES = ("preexam", "approval")
"""Stages of a land application: 用地预审 (pre-examination) and 用地报批 (approval)."""

FIELD_ROLES = {
    "id": "feature identifier (BSM…)",
    "code": "class code (DLBM, GHFQDM…)",
    "name": "class or feature name (DLMC, GHFQMC…)",
    "deduction": "deduction coefficient for field ridges (KCXS, 二调 TKXS)",
    "survey_area": "official parcel area in m² (TBMJ)",
    "admin_code": "administrative unit code (ZLDWDM)",
    "admin": "administrative unit name (ZLDWMC)",
    "ownership": "ownership (三调 QSXZ: 10/20 state, 30/31/32/33/34/40 collective)",
    "grade": (
        "grade: cultivated-land quality (三调 GDDB 耕地等别, 1 best - 15 worst), or the grade "
        "or level that decides a review check (BHDJ, ZYSDJB, YFCD, BHJB)"
    ),
    # the rest of the review (landcheck.review): areas are summed by these attributes
    "zone": "zone of a protected area or heritage site (GNFQ, FWLX)",
    "level": "second grading: 公益林 level, protected-area level (GYLDJ, BHDJB)",
    "flag": "yes/no designation: 基本草原, strategic mineral (JBCY, ZLXKC)",
    "type": "type: protected area, mineral right, hazard (BHDLX, QLLX, ZHLX)",
    "mineral": "mineral of a mining or exploration right (KZ)",
    "holder": "right holder (QLR)",
    "status": "how a flagged violation was dealt with: 查处状态, 是否查处到位 (CCZT, SFCCDW)",
}
"""Attribute roles a layer can map to its own field names."""


@dataclass(frozen=True)
class Text:
    """A bilingual text."""

    zh: str
    en: str

    def get(self, lang: str) -> str:
        """Return the text in ``lang`` (``"zh"`` or ``"en"``)."""
        return self.en if lang == "en" else self.zh

    def to_dict(self) -> dict[str, str]:
        """Return ``{"zh": …, "en": …}``."""
        return {"zh": self.zh, "en": self.en}


NO_TEXT = Text("", "")
"""The empty text, one object for every message value that says nothing: a batch's
findings hold it tens of thousands of times."""


@dataclass(frozen=True)
class Basis:
    """One legal basis of a rule, with the date of the text cited and how it was read.

    ``mark`` is ``V`` (read in a full text), ``P`` (from a secondary source) or
    ``U`` (not verified); empty when the profile does not say.
    """

    text: Text
    date: str
    mark: str = ""

    def cite(self, lang: str = "zh") -> str:
        """Return the citation with its date and mark (``…第三十五条（2019-08-26）〔V〕``)."""
        mark = f"〔{self.mark}〕" if self.mark else ""
        if lang == "en":
            return f"{self.text.en} ({self.date}){' [' + self.mark + ']' if self.mark else ''}"
        return f"{self.text.zh}（{self.date}）{mark}"


@dataclass(frozen=True)
class Outcome:
    """One possible result of a rule: its status, message template and documents.

    ``approval_message``, when the profile gives one (``approval: {zh, en}``), is the
    message at the approval stage (报批), where the 预审 is behind the applicant.
    """

    status: str
    message: Text
    documents: tuple[Text, ...] = ()
    stages: tuple[str, ...] = ()
    approval_message: Text | None = None

    def message_at(self, stage: str) -> Text:
        """The message template at ``stage``: the approval one at 报批, when given.

        >>> outcome = Outcome("info", Text("须办理", "needed"), (), (), Text("已办理", "done"))
        >>> outcome.message_at("preexam").zh, outcome.message_at("approval").zh
        ('须办理', '已办理')
        """
        if stage == "approval" and self.approval_message is not None:
            return self.approval_message
        return self.message

    def documents_at(self, stage: str) -> tuple[tuple[Text, ...], tuple[Text, ...]]:
        """The documents needed at ``stage`` and those that come later (at 报批).

        A document's stage is ``preexam`` unless the profile says ``approval``;
        at the approval stage every document is needed now.
        """
        if stage == "approval" or not self.stages:
            return self.documents, ()
        stages = self.stages
        now = tuple(d for d, s in zip(self.documents, stages, strict=True) if s == "preexam")
        later = tuple(d for d, s in zip(self.documents, stages, strict=True) if s != "preexam")
        return now, later


@dataclass(frozen=True)
class LayerSpec:
    """A constraint layer of a profile.

    Attributes
    ----------
    key : str
        The layer key (``farmland``, ``land_use``…).
    kind : str
        One of :data:`LAYER_KINDS`.
    title : Text
        Name for reports.
    source : str or None
        ``PATH`` or ``PATH:LAYER``; None when the layer is to be supplied
        at run time (``--layer KEY=PATH``).
    fields : dict
        Role → candidate field names, first present wins (see :data:`FIELD_ROLES`).
    classification : str or None
        Built-in code table name for the layer's codes, or ``auto``: detect
        the land-use system (:mod:`landcheck.classify.decide`).
    category_choices : mapping
        Class code → the 三大类 chosen for a disputed class
        (:mod:`landcheck.classify.choices`).
    """

    key: str
    kind: str
    title: Text
    source: str | None = None
    fields: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    classification: str | None = None
    category_choices: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RuleSpec:
    """A rule: an evaluator applied to a layer, with its basis and outcomes."""

    id: str
    check: str
    layer: str
    title: Text
    params: Mapping[str, Any]
    basis: tuple[Basis, ...]
    outcomes: Mapping[str, Outcome]


@dataclass(frozen=True)
class AnalysisOptions:
    """Analysis options of a profile.

    Attributes
    ----------
    crs : str
        ``"auto"`` or a CRS for all measurements.
    area_method : AreaMethod
        Which area drives findings.
    sliver_area_m2 : float
        Overlaps below this area are boundary-precision notes.
    sliver_width_m : float
        Overlaps whose pieces are all thinner than this are boundary-precision
        notes (the width of the rectangle of the overlap's area whose mean width
        2·area/perimeter is the pieces' largest: exact for a strip).
    declared_area_tolerance : float
        Share by which a declared area may differ from the computed one.
    """

    crs: str = "auto"
    area_method: AreaMethod = AreaMethod.ELLIPSOIDAL
    sliver_area_m2: float = 1.0
    sliver_width_m: float = 0.1
    declared_area_tolerance: float = 0.01

    def is_sliver(self, area_m2: float, width_m: float | None = None) -> bool:
        """True when an area is a boundary-precision sliver, not land that counts.

        Below the sliver area, and below it as the messages and tables print square
        metres (to 2 places: ``{area_m2:.2f}``, the tables' m² columns; 0.996 m² reads
        "1.00", not below 1 m²); or (when its mean width ``width_m``, 2·area/perimeter,
        is measured) thinner than the sliver width: its width is that of the rectangle
        of this area and mean width (:func:`strip_width`), so a strip exactly 0.1 m wide
        (mean width 0.0999 m when 100 m long) is not thinner than 0.1 m. Widths within
        a micrometre of the sliver width are at it (the rounding of coordinates).

        Examples
        --------
        >>> options = AnalysisOptions()
        >>> options.is_sliver(0.5), options.is_sliver(5.0), options.is_sliver(5.0, 0.05)
        (True, False, True)
        >>> options.is_sliver(0.994), options.is_sliver(0.996), options.is_sliver(0.996, 0.05)
        (True, False, True)
        >>> options.is_sliver(10.0, 20.0 / 200.2), options.is_sliver(9.9, 19.8 / 200.198)
        (False, True)
        """
        if area_m2 < self.sliver_area_m2 and round(area_m2, 2) < self.sliver_area_m2:
            return True  # below it as printed too: 0.996 m² reads "1.00", not below 1 m²
        if width_m is None or width_m <= 0.0:
            return False
        return strip_width(area_m2, width_m) < self.sliver_width_m - _WIDTH_ROUNDING_M


_WIDTH_ROUNDING_M = 1e-6
"""Slack of the sliver width for the rounding of coordinates (7.5e-9 m at 3.5e7 m, the
zone-prefixed Gauss-Kruger eastings) and of the areas and lengths computed from them."""


def strip_width(area_m2: float, mean_width_m: float) -> float:
    """The width of the rectangle of this area and mean width (2·area/perimeter).

    A strip ``L`` × ``w`` has the mean width ``L·w / (L + w)``, a little under ``w``;
    from its area and perimeter (``2·area / mean width``) this gives ``w`` back, as
    the smaller root of ``x² − (P/2)·x + A = 0``. A shape more compact than a square
    gives ``4·area/perimeter`` (a square's side, a disc's diameter).

    Examples
    --------
    >>> round(strip_width(10.0, 20.0 / 200.2), 12), strip_width(100.0, 5.0)
    (0.1, 10.0)
    """
    perimeter = 2.0 * area_m2 / mean_width_m
    excess = max(perimeter * perimeter - 16.0 * area_m2, 0.0)
    return 4.0 * area_m2 / (perimeter + math.sqrt(excess))


@dataclass(frozen=True)
class CoverageSpec:
    """The area a profile's layers describe (the profile's ``coverage:`` section).

    A site outside it gets ``unknown`` for the checks that rest on the absence
    of features (see :mod:`landcheck.coverage`).

    Attributes
    ----------
    source : str
        ``PATH`` or ``PATH:LAYER`` of the polygons (the county boundary the
        layers were compiled for).
    title : Text
        Its name in messages.
    """

    source: str
    title: Text = Text("覆盖范围", "the coverage polygon")
