"""findings.json (schema ``landcheck/findings@1``).

The file is written a site at a time: the run's facts first
(:meth:`CheckResult.run_dict`), then each site's entry
(:meth:`CheckResult.site_dicts`) as it is built, so a batch of ten thousand
sites never holds its whole findings in memory, as a dict or as text. The text
is byte for byte what ``json.dumps(result.to_dict(), indent=2)`` gives.
"""

from __future__ import annotations

import json
import math
import operator
import os
from collections.abc import Callable, Iterator
from json.encoder import encode_basestring as _string
from typing import TYPE_CHECKING, Any

from landcheck.gcpause import collector_paused
from landcheck.measure import SiteLayer
from landcheck.result import CheckResult
from landcheck.rules import Finding
from landcheck.rules.core import cited_basis

if TYPE_CHECKING:
    from landcheck.report.options import ReportOptions

__all__ = ["FILENAME", "dumps", "iter_json", "write_json"]

FILENAME = "findings.json"

_INDENT = 2


def _finite(value: Any) -> Any:
    """JSON has no NaN or infinity: write them as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


_BREAKS = ["\n" + " " * (_INDENT * depth) for depth in range(64)]
_NOT_FINITE = {"nan": "null", "inf": "null", "-inf": "null"}
_float_text = float.__repr__


_KEY_TEXTS = 4096
_KEY_TEXT: dict[str, str] = {}
"""Text keys already written, as written with their colon (``"planar_m2": ``); a batch's
entries repeat a few hundred keys hundreds of thousands of times."""


def _key(key: Any) -> str:
    """A dict key as JSON writes it: strings as they are, numbers, booleans and None as text."""
    if isinstance(key, str):
        return key
    if key is True or key is False or key is None:
        return {True: "true", False: "false", None: "null"}[key]
    if isinstance(key, float):
        return _NOT_FINITE.get(_float_text(key), _float_text(key))
    if isinstance(key, int):
        return int.__repr__(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


def _encode(value: Any, depth: int = 0) -> str:
    """``json.dumps(_finite(value), ensure_ascii=False, indent=2)``, twice as fast.

    The standard library's C encoder does not indent, and its Python encoder
    yields every token through nested generators; this one joins strings and
    writes NaN and infinities as null on the way, so no copy of the data is made.
    """
    kind = type(value)
    if kind is str:
        return _string(value)
    if kind is float:
        text = _float_text(value)
        return _NOT_FINITE.get(text, text)
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = _BREAKS[depth + 1]
        parts = []
        for key, item in value.items():
            head = _KEY_TEXT.get(key) if type(key) is str else None
            if head is None:
                head = _string(_key(key)) + ": "
                if type(key) is str and len(_KEY_TEXT) < _KEY_TEXTS:
                    _KEY_TEXT[key] = head
            kind = type(item)
            if kind is str:
                text = _string(item)
            elif kind is float:
                text = _float_text(item)
                text = _NOT_FINITE.get(text, text)
            elif kind is _Encoded:
                text = item
            else:
                text = _encode(item, depth + 1)
            parts.append(head + text)
        return "{" + inner + ("," + inner).join(parts) + _BREAKS[depth] + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        inner = _BREAKS[depth + 1]
        items = []
        for item in value:  # lists of texts and numbers (basis, documents): no call per item
            kind = type(item)
            if kind is str:
                items.append(_string(item))
            elif kind is float:
                text = _float_text(item)
                items.append(_NOT_FINITE.get(text, text))
            elif kind is _Encoded:
                items.append(item)
            else:
                items.append(_encode(item, depth + 1))
        return "[" + inner + ("," + inner).join(items) + _BREAKS[depth] + "]"
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        text = _float_text(value)
        return _NOT_FINITE.get(text, text)
    if isinstance(value, str):
        return _string(value)
    raise TypeError(f"Object of type {kind.__name__} is not JSON serializable")


class _Encoded(str):
    """JSON text already written, at the depth :func:`_encode` places it."""

    __slots__ = ()


_ENTRY_DEPTH = 4
"""Depth of a finding and of a layer in findings.json: file, sites, site, findings/layers."""

_SHARED_TEXTS = 4096
"""Most texts an :class:`_Entries` keeps of each kind (a batch needs a few hundred)."""


def _members(value: dict[str, Any], depth: int) -> str:
    """A dict's members as :func:`_encode` writes them at ``depth``, without the braces."""
    return _encode(value, depth)[1 : -len(_BREAKS[depth]) - 1]


def _number(value: Any) -> str:
    """A number as :func:`_encode` writes ``float(value)``."""
    text = _float_text(float(value))
    return _NOT_FINITE.get(text, text)


def _same(values: tuple[Any, ...], others: tuple[Any, ...]) -> bool:
    """True when two tuples hold the very same objects (equal numbers may print apart)."""
    return len(values) == len(others) and all(map(operator.is_, values, others))


class _Entries:
    """The text of a result's findings and unavailable layers, sharing what sites share.

    A rule's findings differ from site to site in their areas and messages only:
    the check, status and outcome, the title, the legal basis and the documents
    are encoded once and joined into each finding's text; a layer no site could
    use has the same entry at every site. The texts are :func:`_encode`'s, byte
    for byte. One object serves one writing (it holds what it met by identity).
    """

    def __init__(self) -> None:
        depth = _ENTRY_DEPTH
        self._inner = _BREAKS[depth + 1]
        deeper = _BREAKS[depth + 2]
        self._message = f'{self._inner}"message": {{{deeper}"zh": '
        self._message_en = f'{deeper}"en": '
        self._message_close = self._inner + "}"
        self._fixed: dict[tuple[Any, ...], tuple[Finding, str, str, str]] = {}
        self._messages: dict[int, tuple[Any, tuple[Any, ...], str]] = {}
        self._layers: dict[str, str] = {}

    def finding(self, finding: Finding) -> _Encoded:
        """The finding's entry: ``_encode(finding.to_dict(), 4)``."""
        f = finding
        key = (
            f.check,
            f.layer,
            f.status,
            f.outcome,
            id(f.title),
            id(f.basis),
            id(f.basis_dates),
            id(f.basis_marks),
            id(f.documents),
            id(f.documents_later),
        )
        fixed = self._fixed.get(key)
        if fixed is None:
            fixed = self._fixed_texts(f)  # holds the finding: the ids stay its objects'
            self._keep(self._fixed, key, fixed)
        message = self._messages.get(id(f.templates))
        if message is None or not _same(message[1], f.values):  # an unknown layer's: shared
            text = f.message
            message = (
                f.templates,
                f.values,
                f"{self._message}{_string(text.zh)},{self._message_en}"
                f"{_string(text.en)}{self._message_close}",
            )
            self._keep(self._messages, id(f.templates), message)
        area, inner = f.area, self._inner
        return _Encoded(
            f'{fixed[1]}{_number(area.m2)},{inner}"area_planar_m2": {_number(area.planar_m2)},'
            f'{inner}"area_ellipsoidal_m2": {_number(area.ellipsoidal_m2)},{fixed[2]}'
            f"{message[2]}{fixed[3]}"
        )

    def _fixed_texts(self, f: Finding) -> tuple[Finding, str, str, str]:
        """The text of a finding around its areas and message, which its rule's share."""
        depth, inner = _ENTRY_DEPTH, self._inner
        head = {"check": f.check, "layer": f.layer, "status": f.status, "outcome": f.outcome}
        zh, en, marks = cited_basis(f.basis, f.basis_dates, f.basis_marks)
        now, later = f.documents, f.documents_later
        tail = {
            "basis": list(zh),
            "basis_en": list(en),
            "documents": [d.zh for d in now],
            "documents_en": [d.en for d in now],
            "documents_later": [d.zh for d in later],
            "documents_later_en": [d.en for d in later],
            "basis_marks": list(marks),
        }
        return (
            f,
            "{" + _members(head, depth) + "," + inner + '"area_m2": ',
            _members({"title": f.title.to_dict()}, depth) + ",",
            "," + _members(tail, depth) + _BREAKS[depth] + "}",
        )

    def layer(self, result: CheckResult) -> Callable[[SiteLayer, Any], Any]:
        """``layer(view, method)``: a layer's entry, as text when no site could use the layer."""

        def entry(view: SiteLayer, method: Any) -> Any:
            value = result._layer_dict(view, method)
            if view.available:
                return value
            key = repr(value)  # a few members, no rows: the same text at every site
            text = self._layers.get(key)
            if text is None:
                text = _encode(value, _ENTRY_DEPTH)
                self._keep(self._layers, key, text)
            return _Encoded(text)

        return entry

    @staticmethod
    def _keep(texts: dict[Any, Any], key: Any, text: Any) -> None:
        if len(texts) < _SHARED_TEXTS:
            texts[key] = text


def iter_json(
    result: CheckResult, *, progress: Callable[[int, int], None] | None = None
) -> Iterator[str]:
    """Yield findings.json's text in pieces: the run's facts, then one piece per site.

    The pieces joined are ``json.dumps(result.to_dict(), ensure_ascii=False,
    indent=2)``, NaN and infinities written as null. ``progress(done, total)``
    is called before the first site and after each.
    """
    head = _encode(result.run_dict())
    total = len(result.sites)
    if not total:
        yield head[: -len("\n}")] + ',\n  "sites": []\n}'
        return
    yield head[: -len("\n}")] + ',\n  "sites": [\n'
    if progress is not None:
        progress(0, total)
    inner = _BREAKS[2]
    entries = _Entries()
    sites = result.site_dicts(finding_entry=entries.finding, layer_entry=entries.layer(result))
    for done, site in enumerate(sites, start=1):
        separator = "" if done == 1 else ",\n"
        yield separator + inner[1:] + _encode(site, 2)
        if progress is not None:
            progress(done, total)
    yield "\n  ]\n}"


def dumps(result: CheckResult, *, indent: int | None = 2) -> str:
    """Return findings.json as text (UTF-8 characters kept, not escaped).

    Examples
    --------
    >>> import json
    >>> import geopandas as gpd
    >>> from shapely import box
    >>> from landcheck import check
    >>> site = gpd.GeoDataFrame({"site_id": ["S1"], "name": ["厂区"]}, crs=4523,
    ...     geometry=[box(35_420_000, 2_700_000, 35_420_100, 2_700_100)])
    >>> data = json.loads(dumps(check(site, layers={"farmland": site.assign(BSM="F1")})))
    >>> data["schema"], data["sites"][0]["name"], data["sites"][0]["status"]
    ('landcheck/findings@1', '厂区', 'prohibited')
    """
    if indent == _INDENT:
        with collector_paused():
            return "".join(iter_json(result))
    return json.dumps(_finite(result.to_dict()), ensure_ascii=False, indent=indent)


def write_json(
    result: CheckResult,
    directory: str,
    options: ReportOptions | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> str:
    """Write findings.json into ``directory``, a site at a time, and return its path.

    ``progress(done, total)`` (else the options' ``write:json`` stage) hears of each site.
    """
    if progress is None and options is not None:
        progress = options.step("json")
    path = os.path.join(directory, FILENAME)
    # the sites' entries are made and dropped a site at a time: the collector, walking
    # everything the result holds, would cost more than the entries
    with open(path, "w", encoding="utf-8") as handle, collector_paused():
        for piece in iter_json(result, progress=progress):
            handle.write(piece)
        handle.write("\n")
    return path
