"""The findings tables: every finding with its legal basis, and the documents required."""

from __future__ import annotations

from landcheck.labels import status_label
from landcheck.result import CheckResult
from landcheck.tables.lookups import area_columns, ha_and_mu
from landcheck.tables.table import Column, ReportTable, Rows

__all__ = ["documents_table", "findings_table"]


def findings_table(result: CheckResult, lang: str) -> ReportTable:
    """审查意见: every finding of every site, with its legal basis and documents."""
    zh = lang == "zh"
    columns = [
        Column("site_id", "项目编号", "site"),
        Column("check", "审查事项", "check"),
        Column("status", "结论", "status"),
        *area_columns("涉及面积", "area"),
        Column("message", "审查意见", "finding", wide=True),
        Column("basis", "依据", "legal basis", wide=True),
        Column("documents", "须提交材料", "documents required", wide=True),
    ]
    rows = Rows()
    sep = "\n"
    for site_id in result.site_ids:
        for finding in result.site_findings(site_id):
            data = finding.to_dict()
            rows.add(
                -1,
                0,
                "row",
                site_id=site_id,
                check=finding.title.get(lang),
                status=status_label(finding.status, lang),
                _status=finding.status,
                **ha_and_mu(finding.area.m2),
                message=finding.message.get(lang),
                basis=sep.join(data["basis"] if zh else data["basis_en"]),
                documents=sep.join(data["documents"] if zh else data["documents_en"]),
            )
    title = "审查意见" if zh else "Findings"
    return ReportTable("findings", title, lang, columns, rows.frame(columns, extra=["_status"]))


def documents_table(result: CheckResult, lang: str) -> ReportTable:
    """须提交材料清单: the documents each site's applicant must prepare, numbered."""
    zh = lang == "zh"
    columns = [
        Column("site_id", "项目编号", "site"),
        Column("number", "序号", "no.", "int"),
        Column("document", "材料名称", "document", wide=True),
    ]
    rows = Rows()
    for site_id in result.site_ids:
        for number, document in enumerate(result.documents(site_id), 1):
            rows.add(-1, 0, "row", site_id=site_id, number=number, document=document.get(lang))
    title = "须提交材料清单" if zh else "Documents required"
    return ReportTable("documents", title, lang, columns, rows.frame(columns))
