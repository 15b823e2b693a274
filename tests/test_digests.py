"""An input's SHA-256 remembered between runs, and only while the file is the very same."""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time

import pytest

from landcheck.io import digests, records

CONTENT = b"GeoPackage bytes " * 300


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """A cache folder of the test's own; files just written count as settled."""
    where = tmp_path / "cache"
    monkeypatch.setenv(digests.CACHE_ENV, str(where))
    monkeypatch.setattr(digests, "SETTLED_NS", 0)
    records._HASHES.clear()
    yield where
    records._HASHES.clear()


@pytest.fixture
def reads(monkeypatch):
    """The paths hashed by reading them, in order."""
    read: list[str] = []
    original = records._sha256_of

    def reading(path: str) -> str:
        read.append(path)
        return original(path)

    monkeypatch.setattr(records, "_sha256_of", reading)
    return read


def digest_in_a_new_run(path) -> str | None:
    records._HASHES.clear()  # this process's digests forgotten: what the next command sees
    return records.file_sha256(str(path))


def remembered_file(folder) -> dict:
    return json.loads((folder / digests.CACHE_FILE).read_text())


def read_once_and_remembered(folder, reads, path) -> None:
    """Two runs hash ``path`` (written now): it is read by the first only, and remembered."""
    path.write_bytes(CONTENT)
    assert digest_in_a_new_run(path) == sha(CONTENT)
    assert digest_in_a_new_run(path) == sha(CONTENT)
    assert reads == [str(path)]
    assert remembered_file(folder) == {digests._identity(os.stat(path)): sha(CONTENT)}


def test_an_unchanged_file_is_read_once_and_its_digest_given_again(folder, reads, tmp_path):
    read_once_and_remembered(folder, reads, tmp_path / "land_use.gpkg")


def test_a_file_written_again_is_read_again_though_its_size_and_time_were_put_back(
    folder, reads, tmp_path
):
    path = tmp_path / "land_use.gpkg"
    path.write_bytes(CONTENT)
    assert digest_in_a_new_run(path) == sha(CONTENT)
    before = os.stat(path)
    time.sleep(0.05)  # past the file system's clock tick
    changed = CONTENT.replace(b"Geo", b"geo")
    path.write_bytes(changed)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = os.stat(path)
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (
        before.st_size,
        before.st_mtime_ns,
        before.st_ino,
    )
    assert digest_in_a_new_run(path) == sha(changed)  # the change time told
    assert reads == [str(path)] * 2


def test_a_file_replaced_by_another_is_read_again(folder, reads, tmp_path):
    path, other = tmp_path / "land_use.gpkg", tmp_path / "other.gpkg"
    path.write_bytes(CONTENT)
    assert digest_in_a_new_run(path) == sha(CONTENT)
    other.write_bytes(CONTENT[::-1])
    os.replace(other, path)
    assert digest_in_a_new_run(path) == sha(CONTENT[::-1])
    assert reads == [str(path)] * 2


def test_a_file_written_just_before_its_hashing_is_not_remembered(folder, reads, monkeypatch):
    monkeypatch.setattr(digests, "SETTLED_NS", 2_000_000_000)
    path = folder.parent / "fresh.gpkg"
    path.write_bytes(CONTENT)
    assert digest_in_a_new_run(path) == sha(CONTENT)
    assert digest_in_a_new_run(path) == sha(CONTENT)
    assert reads == [str(path)] * 2 and not (folder / digests.CACHE_FILE).exists()


def test_a_file_changed_while_it_is_hashed_is_not_remembered(folder, monkeypatch, tmp_path):
    path = tmp_path / "land_use.gpkg"
    path.write_bytes(CONTENT)
    original = records._sha256_of

    def written_meanwhile(name: str) -> str:
        digest = original(name)
        time.sleep(0.05)
        with open(name, "ab") as handle:
            handle.write(b"more")
        return digest

    monkeypatch.setattr(records, "_sha256_of", written_meanwhile)
    digest_in_a_new_run(path)
    assert not (folder / digests.CACHE_FILE).exists()


@pytest.mark.parametrize(
    "text",
    [
        b"not json {",
        b"[1, 2, 3]",
        json.dumps({"1:2:3:4:5": "not a digest", "../../etc": "ab" * 32}).encode(),
        json.dumps({"1:2:3:4:5": ["ab" * 32]}).encode(),
        b'{"1:2:3:4:5": "' + b"ab" * 32 + b'"' + b" " * (1 << 20) + b"}",
    ],
    ids=["not-json", "a-list", "bad-entries", "a-list-as-digest", "too-large"],
)
def test_a_cache_file_landcheck_did_not_write_is_ignored_and_written_anew(
    folder, reads, tmp_path, text
):
    folder.mkdir()
    (folder / digests.CACHE_FILE).write_bytes(text)
    read_once_and_remembered(folder, reads, tmp_path / "land_use.gpkg")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_in_place_of_the_cache_file_does_not_hold_the_run(folder, tmp_path):
    folder.mkdir()
    os.mkfifo(folder / digests.CACHE_FILE)  # nothing will ever write into it
    path = tmp_path / "land_use.gpkg"
    path.write_bytes(CONTENT)
    got: list[str | None] = []
    hashing = threading.Thread(target=lambda: got.append(digest_in_a_new_run(path)), daemon=True)
    hashing.start()
    hashing.join(20)
    assert not hashing.is_alive(), "the run waited on the FIFO"
    assert got == [sha(CONTENT)]
    assert remembered_file(folder) == {digests._identity(os.stat(path)): sha(CONTENT)}


def test_a_link_in_place_of_the_cache_file_is_not_followed(folder, reads, tmp_path):
    folder.mkdir()
    elsewhere = tmp_path / "someone_elses.json"
    path = tmp_path / "land_use.gpkg"
    path.write_bytes(CONTENT)
    forged = {digests._identity(os.stat(path)): "0" * 64}
    elsewhere.write_text(json.dumps(forged))
    os.symlink(elsewhere, folder / digests.CACHE_FILE)
    assert digest_in_a_new_run(path) == sha(CONTENT)  # the linked file's digest not believed
    assert reads == [str(path)]
    assert json.loads(elsewhere.read_text()) == forged  # what it points to is left as it was
    assert not (folder / digests.CACHE_FILE).is_symlink()  # the link replaced by landcheck's file


def test_a_users_own_sha256_json_in_the_folder_given_is_never_touched(folder, tmp_path):
    folder.mkdir()
    theirs = folder / "sha256.json"  # a checksum list of the user's, say
    theirs.write_text('{"land_use.gpkg": "' + "ab" * 32 + '"}')
    path = tmp_path / "land_use.gpkg"
    path.write_bytes(CONTENT)
    assert digest_in_a_new_run(path) == sha(CONTENT)
    assert theirs.read_text() == '{"land_use.gpkg": "' + "ab" * 32 + '"}'
    assert sorted(p.name for p in folder.iterdir()) == [digests.CACHE_FILE, "sha256.json"]


def test_off_remembers_nothing(tmp_path, reads, monkeypatch):
    monkeypatch.setenv(digests.CACHE_ENV, "off")
    monkeypatch.setattr(digests, "SETTLED_NS", 0)
    path = tmp_path / "land_use.gpkg"
    path.write_bytes(CONTENT)
    assert digest_in_a_new_run(path) == digest_in_a_new_run(path) == sha(CONTENT)
    assert reads == [str(path)] * 2
    assert digests.cache_folder() is None


def test_a_folder_that_cannot_be_written_is_no_error(tmp_path, reads, monkeypatch):
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the folder would be")
    monkeypatch.setenv(digests.CACHE_ENV, str(blocked))
    monkeypatch.setattr(digests, "SETTLED_NS", 0)
    path = tmp_path / "land_use.gpkg"
    path.write_bytes(CONTENT)
    assert digest_in_a_new_run(path) == digest_in_a_new_run(path) == sha(CONTENT)
    assert reads == [str(path)] * 2
    assert blocked.read_text() == "a file where the folder would be"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "land_use.gpkg"]


def test_the_most_recently_remembered_are_kept(folder, monkeypatch, tmp_path):
    monkeypatch.setattr(digests, "_KEPT", 3)
    paths = [tmp_path / f"layer{i}.gpkg" for i in range(5)]
    for number, path in enumerate(paths):
        path.write_bytes(CONTENT + bytes([number]))
        digest_in_a_new_run(path)
    kept = remembered_file(folder)
    assert list(kept) == [digests._identity(os.stat(p)) for p in paths[2:]]
    assert list(kept.values()) == [sha(CONTENT + bytes([n])) for n in (2, 3, 4)]


def test_the_default_folder_is_the_users_cache(monkeypatch, tmp_path):
    monkeypatch.delenv(digests.CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert digests.cache_folder() == os.path.join(str(tmp_path), "landcheck")
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert digests.cache_folder() == os.path.join(str(tmp_path / "home"), ".cache", "landcheck")
