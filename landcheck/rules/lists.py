"""Wording shared by the rules that read the profile's legal lists."""

from __future__ import annotations

from landcheck.profile import NO_TEXT, Text
from landcheck.projects import ListMatch, ProjectList

__all__ = ["declare_text", "item_text"]

_FACT_NAMES = {
    "project_type": (
        "项目类型（project_type；旧的项目类别不作为依据）",
        "the project type (project_type; an old project class is no evidence)",
    ),
    "plan_level": ("规划级别（plan_level）", "the plan level (plan_level)"),
    "plan_ref": ("列入该项目的规划名称（plan_ref）", "the plan that lists it (plan_ref)"),
    "confirmation_ref": (
        "国务院投资主管部门的确认文件（confirmation_ref）",
        "the State Council investment authority's confirmation (confirmation_ref)",
    ),
    "central_ref": (
        "党中央、国务院明确支持的文件（central_ref）",
        "the Central Committee or State Council document that names it (central_ref)",
    ),
    "poverty_area_ref": (
        "连通深度贫困地区的依据（poverty_area_ref）",
        "the document that shows it connects a deeply poor area (poverty_area_ref)",
    ),
    "linear": ("属线性工程（linear：是）", "that it is linear (linear: yes)"),
    "existing_land": (
        "不占用现有建设用地以外的土地",
        "that it takes no land beyond existing construction land",
    ),
}


def item_text(project_list: ProjectList, match: ListMatch) -> Text:
    """The list item a project is on, cited with its document and mark.

    Examples
    --------
    >>> from landcheck.projects import ListItem
    >>> item = ListItem("1", "国家级规划明确的公路", "highways in a national plan", ("road",),
    ...                 mark="P")
    >>> roads = ProjectList("pbf", "清单", "the list", "3号", "No. 3", "2018-07-30", "P", (item,))
    >>> print(item_text(roads, ListMatch(item)).en)
    item 1 of No. 3 (highways in a national plan) [P]
    """
    item = match.item
    if item is None:
        return NO_TEXT
    return Text(
        f"{project_list.source_zh}第{item.id}项（{item.zh}）〔{item.mark}〕",
        f"item {item.id} of {project_list.source_en} ({item.en}) [{item.mark}]",
    )


def declare_text(project_list: ProjectList, match: ListMatch, project_type: str | None) -> Text:
    """What the site would have to declare to be on a list (empty when it is on it).

    Examples
    --------
    >>> from landcheck.projects import ListItem
    >>> item = ListItem("1", "国家级规划明确的公路", "highways in a national plan", ("road",),
    ...                 hint_zh="申报列入该项目的国家级规划",
    ...                 hint_en="declare the national plan that lists it")
    >>> roads = ProjectList("pbf", "清单", "the list", "3号", "No. 3", "2018-07-30", "P", (item,))
    >>> text = declare_text(roads, ListMatch(None, item, ("plan_ref",)), "road").en
    >>> text.startswith("To be item 1 of No. 3 (highways in a national plan), declare the")
    True
    >>> text.endswith("national plan that lists it: the plan that lists it (plan_ref).")
    True
    >>> declare_text(roads, ListMatch(None), None).en.startswith("No project type is declared")
    True
    """
    if match.on_list:
        return NO_TEXT
    if project_type is None:
        return Text(
            "未申报项目类型：请申报项目类型（project_type）及列入该项目的规划或文件。",
            "No project type is declared: declare project_type (and the plan or document "
            "that lists the project).",
        )
    candidate = match.candidate
    if candidate is None:
        return Text(
            f"该项目类型不属于{project_list.source_zh}所列任何一项。",
            f"Its project type is on none of the items of {project_list.source_en}.",
        )
    zh_facts = "、".join(_FACT_NAMES.get(m, (m, m))[0] for m in match.missing)
    en_facts = ", ".join(_FACT_NAMES.get(m, (m, m))[1] for m in match.missing)
    hint_zh, hint_en = candidate.hint_zh, candidate.hint_en
    if not hint_zh:  # an item decided by its type: a type from an old class lacks only that
        declared = match.missing == ("project_type",)
        hint_zh = "申报项目类型" if declared else "申报相应证明"
        hint_en = "declare the project type" if declared else "declare the evidence"
    return Text(
        f"如属{project_list.source_zh}第{candidate.id}项（{candidate.zh}），须{hint_zh}：{zh_facts}。",
        f"To be item {candidate.id} of {project_list.source_en} ({candidate.en}), "
        f"{hint_en}: {en_facts}.",
    )
