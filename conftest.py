"""The docstrings' examples write their files under pytest's temporary folders.

An example shows what a user writes, ``tempfile.mkdtemp()`` included; run as a
doctest, each would leave a folder in the system's temporary folder at every
run of the suite. Here ``tempfile`` makes them in the example's own
``tmp_path``, which pytest removes with its old runs. Only the examples: the
tests choose their folders themselves (a throwaway PostGIS server and the
unprivileged-user tests need folders other users can enter, which pytest's are
not).
"""

from __future__ import annotations

import tempfile

import pytest


@pytest.fixture(autouse=True)
def examples_write_under_pytest(request: pytest.FixtureRequest) -> None:
    """A doctest's ``tempfile`` folders and files go to its ``tmp_path``."""
    if isinstance(request.node, pytest.DoctestItem):
        folder = request.getfixturevalue("tmp_path")
        request.getfixturevalue("monkeypatch").setattr(tempfile, "tempdir", str(folder))
