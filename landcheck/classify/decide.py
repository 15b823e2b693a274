"""The classification decision for a class layer: declared, detected, or refused.

A layer's ``classification:`` names its table, or is ``auto``:

* **declared** (``sandiao-2019``, ``ydyh-2023``): read with that table —
  unless the codes or class names betray the other system, which is refused
  with those codes (:class:`ClassificationConflictError`, a run error): a
  declaration the data contradicts is a mistake to correct, not to work around;
* **auto**: detected from the codes, class names and field names
  (:mod:`landcheck.classify.detect`); a mixed or undecidable layer is refused
  (:class:`AmbiguousClassificationError`), which makes the layer's checks
  ``unknown`` with the codes that betray each system — never a guess.

The decision (what was declared, the table used, how and why, the evidence
and the 三大类 choices applied) is recorded for findings.json.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from landcheck.classify import CodeTable, load_code_table
from landcheck.classify.choices import apply_category_choices
from landcheck.classify.detect import Evidence, codes_read_apart, distinct_pairs, evidence_of
from landcheck.classify.systems import AUTO, LAND_USE_SYSTEMS, SURVEY_SYSTEM
from landcheck.errors import InputDataError, LandcheckError

__all__ = [
    "AmbiguousClassificationError",
    "ClassificationConflictError",
    "ClassificationDecision",
    "classify_layer",
]


@dataclass(frozen=True)
class ClassificationDecision:
    """How a class layer's codes are read.

    Attributes
    ----------
    layer : str
        The layer key.
    declared : str
        The profile's ``classification:`` (a table name or ``auto``).
    table : str or None
        The table the codes are read with; None when refused, or when no
        feature near the sites needed one.
    how : str
        ``declared``, ``detected``, ``refused`` or ``no features``.
    reason : str
        Why, in a sentence.
    evidence : mapping
        System → :class:`~landcheck.classify.detect.Evidence` found for it.
    category_choices : mapping
        The profile's 三大类 choices applied to the table (code → category).
    warning : str or None
        What a reviewer should read about it, if anything.
    code_table : CodeTable or None
        The table itself, with the choices applied.
    """

    layer: str
    declared: str
    table: str | None
    how: str
    reason: str
    evidence: Mapping[str, Evidence] = field(default_factory=dict)
    category_choices: Mapping[str, str] = field(default_factory=dict)
    warning: str | None = None
    code_table: CodeTable | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The findings.json form (``inputs[].extra.classification``).

        ``field_name_only`` (true) marks a system detected from the layer's field
        names alone, which no code or class name bore out.
        """
        out: dict[str, Any] = {
            "declared": self.declared,
            "table": self.table,
            "how": self.how,
            "reason": self.reason,
        }
        found = {k: e.to_dict() for k, e in self.evidence.items() if e}
        if found:
            out["evidence"] = found
        if self.how == "detected" and self.table and not self.evidence[self.table].in_data:
            out["field_name_only"] = True
        if self.category_choices:
            out["category_choices"] = dict(self.category_choices)
        return out


class AmbiguousClassificationError(InputDataError):
    """A layer's land-use system cannot be told, or it mixes two: its checks are unknown."""

    def __init__(self, decision: ClassificationDecision):
        self.decision = decision
        super().__init__(decision.reason)


class ClassificationConflictError(LandcheckError, ValueError):
    """A layer's declared classification is contradicted by its own codes or class names."""

    def __init__(self, decision: ClassificationDecision):
        self.decision = decision
        super().__init__(decision.reason)


def _betrayal(evidence: Mapping[str, Evidence], *, data_only: bool = False) -> str:
    """``用地用海 2023 (ydyh-2023): code 060101 (only in it)`` for each system with evidence."""
    parts = [
        f"{LAND_USE_SYSTEMS[name].title}: {found.describe(data_only=data_only)}"
        for name, found in evidence.items()
        if (found.in_data if data_only else found)
    ]
    return "; ".join(parts)


def _how_to_declare(key: str) -> str:
    return (
        f"declare the layer's system in the profile (layers.{key}.classification: "
        f"{' or '.join(LAND_USE_SYSTEMS)})"
    )


def classify_layer(
    key: str,
    declared: str,
    *,
    codes: Iterable[Any] | None,
    names: Iterable[Any] | None = None,
    fields: Iterable[str] = (),
    choices: Mapping[str, str] | None = None,
) -> ClassificationDecision:
    """Decide which table reads a class layer's codes.

    Parameters
    ----------
    key : str
        The layer key, for messages.
    declared : str
        The layer's ``classification:`` (a built-in table name or ``auto``).
    codes : iterable or None
        The class code of each feature read; None for a layer with names only.
    names : iterable, optional
        The class name of each feature (aligned with ``codes``).
    fields : iterable of str
        The layer's class code and class name field names.
    choices : mapping, optional
        The profile's 三大类 choices (validated: :mod:`landcheck.classify.choices`).

    Returns
    -------
    ClassificationDecision
        With the code table to read the layer with (None: nothing to read).

    Raises
    ------
    AmbiguousClassificationError
        ``auto`` and the layer mixes systems, or nothing tells which it uses.
    ClassificationConflictError
        A declared system that the layer's codes or class names contradict.

    Examples
    --------
    >>> decision = classify_layer(
    ...     "land_use", "auto", codes=["0601", "1202"], names=["农村道路", "公路用地"]
    ... )
    >>> decision.table, decision.how
    ('ydyh-2023', 'detected')
    >>> classify_layer("land_use", "auto", codes=["0601", "1202"])
    Traceback (most recent call last):
    ...
    landcheck.classify.decide.AmbiguousClassificationError: layer 'land_use': ...
    """
    choices = choices or {}
    if declared != AUTO and declared not in LAND_USE_SYSTEMS:
        return _decided(key, declared, declared, "declared", "declared in the profile", {}, choices)
    pairs = distinct_pairs(codes, names)
    evidence = evidence_of(pairs, fields)
    if declared != AUTO:
        return _declared(key, declared, evidence, choices)
    present = sorted({code or name for code, name in pairs if code or name})
    systems = [name for name, found in evidence.items() if found]
    if len(systems) == 1:
        return _detected(key, systems[0], evidence, choices, pairs)
    if not present and not systems:
        reason = "no feature near the sites has a class code, so no table is needed"
        return ClassificationDecision(key, declared, None, "no features", reason, evidence)
    if systems:
        reason = _mixed(key, evidence)
    else:
        listed = ", ".join(present[:8]) + (f" and {len(present) - 8} more" * (len(present) > 8))
        reason = (
            f"layer {key!r}: its class codes ({listed}) exist in both land-use classification "
            "systems (三调 2019 and 用地用海 2023) and neither its class names nor its field "
            f"names tell which one it uses, so its codes cannot be read; {_how_to_declare(key)}"
        )
    decision = ClassificationDecision(key, declared, None, "refused", reason, evidence)
    raise AmbiguousClassificationError(decision)


def _mixed(key: str, evidence: Mapping[str, Evidence]) -> str:
    """Why a layer with evidence for two systems is refused, and what to do."""
    reason = (
        f"layer {key!r} mixes two land-use classification systems, so its codes cannot be "
        f"read: {_betrayal(evidence)}. "
    )
    in_data = [name for name, found in evidence.items() if found.in_data]
    if len(in_data) == 1:
        (system,) = in_data
        return reason + (
            f"If its codes are right, declare it in the profile (layers.{key}.classification: "
            f"{system}); else correct the codes"
        )
    return reason + "A layer uses one system: correct the codes that belong to the other"


def _decided(
    key: str,
    declared: str,
    table_name: str,
    how: str,
    reason: str,
    evidence: Mapping[str, Evidence],
    choices: Mapping[str, str],
    warning: str | None = None,
) -> ClassificationDecision:
    table, applied = apply_category_choices(load_code_table(table_name), choices)
    if applied:
        shown = ", ".join(f"{code} → {category}" for code, category in applied.items())
        reason += f"; 三大类 chosen by the profile: {shown}"
    return ClassificationDecision(
        key, declared, table_name, how, reason, evidence, applied, warning, table
    )


def _declared(
    key: str, declared: str, evidence: Mapping[str, Evidence], choices: Mapping[str, str]
) -> ClassificationDecision:
    others = {name: found for name, found in evidence.items() if name != declared}
    title = LAND_USE_SYSTEMS[declared].title
    if any(found.in_data for found in others.values()):
        reason = (
            f"layer {key!r} is declared {title} (layers.{key}.classification), but its codes "
            f"betray another system: {_betrayal(others, data_only=True)}. Read with the declared "
            f"table they would be misread; correct the declaration (or use auto) or the codes"
        )
        raise ClassificationConflictError(
            ClassificationDecision(key, declared, None, "refused", reason, evidence)
        )
    warning = None
    if any(others.values()):
        fields = sorted({f for found in others.values() for f in found.fields})
        owners = " and ".join(LAND_USE_SYSTEMS[n].title for n, found in others.items() if found)
        warning = (
            f"layer {key!r} is read as declared, with {title}, although its field "
            f"{', '.join(fields)} is a field of {owners}; check the declaration"
        )
    return _decided(
        key, declared, declared, "declared", "declared in the profile", evidence, choices, warning
    )


def _detected(
    key: str,
    system: str,
    evidence: Mapping[str, Evidence],
    choices: Mapping[str, str],
    pairs: Iterable[tuple[str, str]],
) -> ClassificationDecision:
    title = LAND_USE_SYSTEMS[system].title
    found = evidence[system].describe()
    if not evidence[system].in_data:
        reason = (
            f"detected as {title} from its field name alone ({found}): no code or class name "
            "tells the two systems apart"
        )
        (other,) = (name for name in LAND_USE_SYSTEMS if name != system)
        apart = codes_read_apart(pairs, system, other)
        if apart:
            warning = _field_only_warning(key, system, other, found, apart)
            return _decided(key, AUTO, system, "detected", reason, evidence, choices, warning)
    else:
        reason = f"detected as {title} from its {found}"
    warning = None
    if system != SURVEY_SYSTEM:
        warning = (
            f"layer {key!r} is read with the {title} table, detected from its {found}, not as "
            f"the land survey's {LAND_USE_SYSTEMS[SURVEY_SYSTEM].title}; declare "
            f"layers.{key}.classification: {system} in the profile to make it explicit"
        )
    return _decided(key, AUTO, system, "detected", reason, evidence, choices, warning)


def _field_only_warning(
    key: str, system: str, other: str, found: str, apart: list[tuple[str, str, str]]
) -> str:
    """What a layer read by its field name alone risks: its codes the other system reads apart.

    Examples
    --------
    >>> print(_field_only_warning(
    ...     "land_use", "sandiao-2019", "ydyh-2023", "field DLBM",
    ...     [("0601", "工业用地 (建设用地)", "农村道路 (农用地)")],
    ... ))  # doctest: +NORMALIZE_WHITESPACE
    layer 'land_use' is read as 三调 2019 (sandiao-2019) from its field DLBM alone: no code
    or class name tells the systems apart, and 1 of its codes reads differently in 用地用海
    2023 (ydyh-2023): 0601 is 工业用地 (建设用地) here, 农村道路 (农用地) in 用地用海 2023.
    If the layer is coded in 用地用海 2023, declare layers.land_use.classification:
    ydyh-2023 in the profile; declare sandiao-2019 to confirm this reading
    """
    title, there = LAND_USE_SYSTEMS[system].title, LAND_USE_SYSTEMS[other]
    shown = "; ".join(
        f"{code} is {here} here, {read} in {there.title_zh}" for code, here, read in apart[:8]
    )
    more = f"; and {len(apart) - 8} more" if len(apart) > 8 else ""
    return (
        f"layer {key!r} is read as {title} from its {found} alone: no code or class name "
        f"tells the systems apart, and {len(apart)} of its codes "
        f"{'reads' if len(apart) == 1 else 'read'} differently in {there.title}: {shown}{more}. "
        f"If the layer is coded in {there.title_zh}, declare layers.{key}.classification: "
        f"{other} in the profile; declare {system} to confirm this reading"
    )
