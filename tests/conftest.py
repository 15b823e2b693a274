import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))

from common import SAMPLE_LAYER_KEYS


@pytest.fixture(autouse=True, scope="session")
def remembered_digests_apart(tmp_path_factory):
    """Digests the tests' runs remember go to a folder of the session, not the user's cache.

    Set in the environment, so the commands the tests run in subprocesses use it too.
    """
    saved = os.environ.get("LANDCHECK_CACHE_DIR")
    os.environ["LANDCHECK_CACHE_DIR"] = str(tmp_path_factory.mktemp("landcheck-cache"))
    yield
    if saved is None:
        os.environ.pop("LANDCHECK_CACHE_DIR", None)
    else:
        os.environ["LANDCHECK_CACHE_DIR"] = saved


@pytest.fixture(autouse=True, scope="session")
def dask_scratch_apart(tmp_path_factory):
    """dask's workers keep their scratch folder under the session's, not the system's
    temporary folder (``dask-scratch-space`` and its lock files were left there).

    Set in the environment, where dask reads its configuration when first imported
    (here, in the commands the tests run, and in the workers of a LocalCluster).
    """
    saved = os.environ.get("DASK_TEMPORARY_DIRECTORY")
    os.environ["DASK_TEMPORARY_DIRECTORY"] = str(tmp_path_factory.mktemp("dask"))
    if "dask" in sys.modules:  # imported before the session: read the setting again
        sys.modules["dask"].config.refresh()
    yield
    if saved is None:
        os.environ.pop("DASK_TEMPORARY_DIRECTORY", None)
    else:
        os.environ["DASK_TEMPORARY_DIRECTORY"] = saved


@pytest.fixture
def write_gpkg(tmp_path):
    """Write frames as layers of one GeoPackage and return its path."""

    def write(name: str = "layers.gpkg", **layers):
        path = tmp_path / name
        for layer, frame in layers.items():
            frame.to_file(path, layer=layer, driver="GPKG")
        return str(path)

    return write


SAMPLE_ZIP = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "luxi_sample.gpkg.zip"
)


@pytest.fixture(scope="session")
def sample_gpkg(tmp_path_factory):
    """The committed sample county, unzipped once per session: a plain GeoPackage path."""
    import zipfile

    folder = tmp_path_factory.mktemp("sample")
    with zipfile.ZipFile(SAMPLE_ZIP) as archive:
        archive.extract("luxi_sample.gpkg", folder)
    return str(folder / "luxi_sample.gpkg")


@pytest.fixture(scope="session")
def sample_layers(sample_gpkg):
    """``--layer`` sources of the sample county: key → ``PATH:LAYER``."""
    return {key: f"{sample_gpkg}:{key}" for key in SAMPLE_LAYER_KEYS}


@pytest.fixture
def two_forked_workers(monkeypatch):
    """Fork workers even on a machine of one core: ``forked.worker_count`` says two."""
    import landcheck.forked as forked

    monkeypatch.setattr(forked, "worker_count", lambda jobs, workers=None: 2)


@pytest.fixture
def forked_first(monkeypatch):
    """The calling process takes its second run only once the forked one has taken one.

    (Its first is made before the fork.) So a batch shared from both ends
    (:mod:`landcheck.bothends`) is really shared, however fast this process
    is; the forked process has 30 s to start.
    """
    import time

    from landcheck.bothends import Ends

    real = Ends.front
    taken: set[int] = set()  # the Ends whose first run was taken

    def front(self):
        if id(self) not in taken:
            taken.add(id(self))
            return real(self)
        deadline = time.monotonic() + 30.0
        while self.back_start == self.total and time.monotonic() < deadline:
            time.sleep(0.002)
        return real(self)

    monkeypatch.setattr(Ends, "front", front)
