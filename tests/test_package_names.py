"""The package's public names: imported on first use, each the object of its module."""

from __future__ import annotations

import importlib

import pytest
from common import fresh_python

import landcheck
import landcheck.crs


def test_every_public_name_is_its_module_s_object():
    assert set(landcheck.__all__) == {"__version__", *landcheck._EXPORTS}
    for name, module in landcheck._EXPORTS.items():
        assert getattr(landcheck, name) is getattr(importlib.import_module(module), name), name
    assert set(landcheck.__all__) <= set(dir(landcheck))
    with pytest.raises(AttributeError, match="no attribute 'chek'"):
        landcheck.chek  # noqa: B018


def test_import_landcheck_imports_no_module_until_a_name_is_asked_for():
    lines = fresh_python(
        "import sys, landcheck",
        "print(sorted(m for m in sys.modules if m.startswith('landcheck')))",
        "from landcheck import check",
        "print('landcheck.evaluation' in sys.modules, check.__module__)",
    )
    assert lines == [
        "['landcheck', 'landcheck._version', 'landcheck.lazy']",
        "True landcheck.evaluation",
    ]


def test_a_module_asked_for_as_an_attribute_is_imported():
    lines = fresh_python(
        "import landcheck",
        "print(landcheck.tables.report_tables.__module__, landcheck.report.write_report.__name__)",
        "print(landcheck.io.filtered.CACHE_VERTICES > 0)",
    )
    assert lines == ["landcheck.tables write_report", "True"]
    with pytest.raises(AttributeError, match="no attribute '_engine'"):
        landcheck._engine  # noqa: B018
    assert getattr(landcheck, "nosuch.thing", None) is None  # a name no module can have


def test_the_crs_package_gives_the_datum_s_names_when_asked():
    from landcheck.crs import datum

    for name in ("DatumShift", "cgcs2000_counterpart", "legacy_datum"):
        assert getattr(landcheck.crs, name) is getattr(datum, name)
        assert name in landcheck.crs.__all__
    with pytest.raises(AttributeError, match="no attribute 'datums'"):
        landcheck.crs.datums  # noqa: B018
