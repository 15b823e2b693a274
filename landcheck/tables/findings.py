"""The findings tables: every finding with its legal basis, and the documents required."""

from __future__ import annotations

import math

from landcheck.labels import status_label
from landcheck.result import CheckResult, PossibleDocument
from landcheck.rules.core import AROUND_THE_SITE, Finding, message_names, render_values
from landcheck.tables.lookups import area_columns, ha_and_mu
from landcheck.tables.table import Column, ReportTable, Rows

__all__ = [
    "LATER",
    "POSSIBLE",
    "TAKEN",
    "area_taken",
    "documents_table",
    "findings_table",
    "possible_name",
]

LATER = {"zh": "（后续报批时提交）", "en": " (later, at 报批)"}
"""What marks a document the findings need only at the approval stage (报批)."""

POSSIBLE = {"zh": "可能需要（审查项无法判定）", "en": "may be needed (check not made)"}
"""The stage column of a document only checks that could not be made may need."""

TAKEN = frozenset({"prohibited", "conditional"})
"""Statuses whose finding's area is land the site takes of the layer: the area concerned.

Any other finding's area is the site's (a check not made, a large project, a project
type the rule does not apply to), a sliver's or none; "涉及面积" would read it as land
taken, so the findings table, as the draft opinion, shows none for it.
"""


def area_taken(finding: Finding) -> float:
    """The area concerned (涉及面积) of a finding, in m²; NaN where the site takes none.

    The finding's area where its status is :data:`TAKEN`, unless that area is ground
    around the site (:data:`~landcheck.rules.core.AROUND_THE_SITE`); findings.json keeps
    every finding's figure.
    """
    if finding.status not in TAKEN or finding.outcome in AROUND_THE_SITE:
        return math.nan
    return finding.area.m2


def findings_table(result: CheckResult, lang: str) -> ReportTable:
    """审查意见: every finding of every site, with its legal basis and documents."""
    zh = lang == "zh"
    columns = [
        Column("site_id", "用地编号", "site"),
        Column("check", "审查事项", "check"),
        Column("status", "结论", "status"),
        *area_columns("涉及面积", "area"),
        Column("message", "审查意见", "finding", wide=True),
        Column("basis", "依据", "legal basis", wide=True),
        Column("documents", "须提交材料", "documents required", wide=True),
    ]
    rows = Rows()
    # The findings of one outcome share their basis and documents, the very same tuples:
    # keyed by identity (the findings keep them alive), not by hashing their texts each time.
    basis: dict[tuple[int, ...], str] = {}
    documents: dict[tuple[int, ...], str] = {}
    for site_id in result.site_ids:
        for finding in result.site_findings(site_id):
            cited = (id(finding.basis), id(finding.basis_dates), id(finding.basis_marks))
            listed = (id(finding.documents), id(finding.documents_later))
            if cited not in basis:
                basis[cited] = "\n".join(b.cite(lang) for b in finding.citations)
            if listed not in documents:
                documents[listed] = "\n".join(
                    [
                        *(d.get(lang) for d in finding.documents),
                        *(d.get(lang) + LATER[lang] for d in finding.documents_later),
                    ]
                )
            rows.add(
                -1,
                0,
                "row",
                site_id=site_id,
                check=finding.title.get(lang),
                status=status_label(finding.status, lang),
                _status=finding.status,
                **ha_and_mu(area_taken(finding)),
                message=_message(finding, lang),
                basis=basis[cited],
                documents=documents[listed],
            )
    title = "审查意见" if zh else "Findings"
    return ReportTable("findings", title, lang, columns, rows.frame(columns, extra=["_status"]))


def _message(finding: Finding, lang: str) -> str:
    """A finding's message in one language (:attr:`Finding.message` renders both)."""
    names = message_names(finding.templates)
    return render_values(finding.templates.get(lang), names, finding.values, lang)


def possible_name(possible: PossibleDocument, lang: str) -> str:
    """A document unknown checks may need, naming them, and marked when it comes at 报批.

    Examples
    --------
    >>> from landcheck.profile import Text
    >>> checks = (Text("林地", "forest"), Text("草原", "grass"))
    >>> item = PossibleDocument(Text("甲", "A"), checks, True)
    >>> possible_name(item, "zh"), possible_name(item, "en")
    ('甲（林地、草原）（后续报批时提交）', 'A (forest, grass) (later, at 报批)')
    """
    checks = [c.get(lang) for c in possible.checks]
    named = f"（{'、'.join(checks)}）" if lang == "zh" else f" ({', '.join(checks)})"
    return possible.document.get(lang) + named + (LATER[lang] if possible.later else "")


def documents_table(result: CheckResult, lang: str) -> ReportTable:
    """须提交材料清单: the documents each site's applicant must prepare, numbered.

    Those needed now first; then those the findings need later, at 报批 (at the
    pre-examination stage), marked as such in their name and their ``stage``;
    last, apart, those checks that could not be made may need
    (:meth:`CheckResult.documents_possible`: ``stage`` :data:`POSSIBLE`, the
    checks named after the document, ``_possible`` true).
    """
    zh = lang == "zh"
    columns = [
        Column("site_id", "用地编号", "site"),
        Column("number", "序号", "no.", "int"),
        Column("document", "材料名称", "document", wide=True),
        Column("stage", "提交阶段", "stage"),
    ]
    now = "现在（用地预审）" if result.stage == "preexam" else "现在（用地报批）"
    if not zh:
        now = "now (pre-examination)" if result.stage == "preexam" else "now (approval)"
    later = "后续（用地报批）" if zh else "later (approval)"
    rows = Rows()
    for site_id in result.site_ids:
        listed = [(d.get(lang), now, False) for d in result.documents(site_id)]
        listed += [
            (d.get(lang) + LATER[lang], later, False) for d in result.documents_later(site_id)
        ]
        listed += [
            (possible_name(d, lang), POSSIBLE[lang], True)
            for d in result.documents_possible(site_id)
        ]
        for number, (document, stage, possible) in enumerate(listed, 1):
            rows.add(
                -1,
                0,
                "row",
                site_id=site_id,
                number=number,
                document=document,
                stage=stage,
                _possible=possible,
            )
    title = "须提交材料清单" if zh else "Documents required"
    frame = rows.frame(columns, extra=["_possible"])
    return ReportTable("documents", title, lang, columns, frame)
