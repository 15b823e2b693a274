"""The provenance tables: the inputs read and the facts of the run."""

from __future__ import annotations

from landcheck._version import __version__
from landcheck.crs import crs_label
from landcheck.labels import label
from landcheck.profile import CoverageSpec
from landcheck.result import CheckResult
from landcheck.tables.lookups import layer_title
from landcheck.tables.table import Column, ReportTable, Rows

__all__ = ["inputs_table", "run_facts", "run_table"]


def inputs_table(result: CheckResult, lang: str) -> ReportTable:
    """输入数据: every input with its file, layer, CRS, features read and SHA-256."""
    zh = lang == "zh"
    columns = [
        Column("key", "图层", "layer"),
        Column("title", "名称", "title"),
        Column("status", "状态", "status"),
        Column("path", "文件", "file", wide=True),
        Column("layer", "文件内图层", "layer in file"),
        Column("crs", "坐标系", "CRS"),
        Column("features_read", "读取要素数", "features read", "int"),
        Column("repaired", "修复几何数", "geometries repaired", "int"),
        Column("sha256", "SHA-256", "SHA-256"),
        Column("detail", "说明", "notes", wide=True),
    ]
    rows = Rows()
    for record in result.inputs:
        data = record.to_dict()
        if record.role == "sites":
            title = "项目用地" if zh else "sites"
        elif record.role == "coverage":
            title = (result.profile.coverage or CoverageSpec("")).title.get(lang)
        else:
            title = layer_title(result, record.key, lang)
        rows.add(
            -1,
            0,
            "row",
            key=record.key,
            title=title,
            status=record.status,
            path=data.get("path")
            or (("（内存数据）" if zh else "(in memory)") if record.status == "ok" else ""),
            layer=data.get("layer") or "",
            crs=data.get("crs") or "",
            features_read=data.get("features_read", 0),
            repaired=data.get("repaired", 0),
            sha256=data.get("sha256") or "",
            detail=record.detail,
        )
    title = "输入数据" if zh else "Inputs"
    return ReportTable("inputs", title, lang, columns, rows.frame(columns))


def run_facts(result: CheckResult, lang: str) -> list[tuple[str, str]]:
    """Provenance of the run as (label, value) pairs, in the report language."""
    zh = lang == "zh"
    analysis = result.profile.analysis
    method = label(result.area_method, lang)
    facts = [
        ("landcheck 版本" if zh else "landcheck version", __version__),
        ("运行时间" if zh else "run at", result.created.isoformat(timespec="seconds")),
        (
            "审查配置" if zh else "profile",
            f"{result.profile.name} {result.profile.version}"
            + (f"（{result.profile.origin}）" if zh else f" ({result.profile.origin})")
            if result.profile.origin
            else f"{result.profile.name} {result.profile.version}",
        ),
        (
            "分析坐标系" if zh else "analysis CRS",
            f"{crs_label(result.analysis_crs)} {result.analysis_crs.name}",
        ),
        ("坐标系选择依据" if zh else "why this CRS", result.crs_reason),
        (
            "面积计算方法" if zh else "area method",
            f"{method}（平面面积与椭球面积均计算，结论按{method}）"
            if zh
            else f"{result.area_method} (planar and ellipsoidal both computed; findings use "
            f"{result.area_method})",
        ),
        (
            "细小重叠容差" if zh else "sliver tolerance",
            (
                f"面积（按两位小数的平方米数）< {analysis.sliver_area_m2:g} 平方米，"
                f"或宽度 < {analysis.sliver_width_m:g} 米（按同面积、同周长的矩形计）"
            )
            if zh
            else (
                f"area (in m² to 2 places) < {analysis.sliver_area_m2:g} m², "
                f"or width < {analysis.sliver_width_m:g} m "
                "(of the rectangle with its area and perimeter)"
            ),
        ),
        (
            "面积单位" if zh else "units",
            "1 公顷 = 10000 平方米；1 亩 = 2000/3 平方米；公顷保留 4 位小数，亩保留 2 位小数"
            if zh
            else "1 ha = 10,000 m²; 1 mu = 2000/3 m²; ha to 4 dp, mu to 2 dp",
        ),
    ]
    for warning in result.warnings:
        facts.append(("提示" if zh else "warning", warning))
    return facts


def run_table(result: CheckResult, lang: str) -> ReportTable:
    """运行参数与数据来源: :func:`run_facts` as a table."""
    zh = lang == "zh"
    columns = [Column("item", "项目", "item"), Column("value", "内容", "value", wide=True)]
    rows = Rows()
    for item, value in run_facts(result, lang):
        rows.add(-1, 0, "row", item=item, value=value)
    title = "运行参数与数据来源" if zh else "Run and provenance"
    return ReportTable("run", title, lang, columns, rows.frame(columns))
