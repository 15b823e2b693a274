"""A throwaway PostgreSQL + PostGIS server on a private Unix socket (benchmark and tests).

:func:`find_postgis` locates Debian's ``postgresql-NN`` binaries and the PostGIS
extension (``postgresql-NN-postgis-3``); :class:`Server` initialises a cluster in a
temporary folder of the run, starts it listening only on a socket in that folder
(no TCP), and stops it and removes the folder afterwards. Run as root, the server
runs as the ``postgres`` user (PostgreSQL refuses root); otherwise as the current user.
"""

from __future__ import annotations

import glob
import os
import pwd
import subprocess
import tempfile

PORT = 54329  # only names the socket file: the server listens on no TCP port
SETTINGS = {
    # a benchmark peer, not a production server: memory for the data, no durability
    "shared_buffers": "2GB",
    "work_mem": "256MB",
    "maintenance_work_mem": "1GB",
    "effective_cache_size": "8GB",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_wal_size": "8GB",
    "jit": "off",  # compiling each query costs more than it saves here (0.5 s at 100 sites)
    "listen_addresses": "''",
}
TEST_SETTINGS = {
    # the tests' server (tests/test_postgis_source.py): small, no durability, no TCP
    "shared_buffers": "32MB",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "jit": "off",
    "listen_addresses": "''",
}
HINT = "Debian: apt-get install postgresql-15-postgis-3, or make test / make bench as root"


def find_postgis() -> tuple[str | None, str]:
    """Return (bin directory, description) of a PostgreSQL with PostGIS, or (None, why not)."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    if not candidates:
        return None, f"no PostgreSQL server binaries ({HINT})"
    for bindir in candidates:
        version = os.path.basename(os.path.dirname(bindir))
        control = f"/usr/share/postgresql/{version}/extension/postgis.control"
        if os.path.exists(os.path.join(bindir, "initdb")) and os.path.exists(control):
            return bindir, f"PostgreSQL {version} with PostGIS ({bindir})"
    return None, f"PostgreSQL in {candidates[0]} has no PostGIS extension ({HINT})"


class Server:
    """A cluster in a temporary folder, started on entry, stopped and removed on exit."""

    def __init__(
        self, bindir: str, parent: str | None = None, settings: dict[str, str] | None = None
    ) -> None:
        self.bindir = bindir
        self.settings = SETTINGS if settings is None else settings
        self._folder = tempfile.TemporaryDirectory(prefix="landcheck-postgis-", dir=parent)
        self.folder = os.path.abspath(self._folder.name)
        self.data = os.path.join(self.folder, "data")
        self.log = os.path.join(self.folder, "server.log")
        self.user = None
        if os.geteuid() == 0:
            self.user = pwd.getpwnam("postgres")
            os.chown(self.folder, self.user.pw_uid, self.user.pw_gid)
            os.chmod(self.folder, 0o700)

    @property
    def dsn(self) -> str:
        return f"host={self.folder} port={PORT} user=postgres dbname=postgres"

    def _run(self, *args: str) -> None:
        command = [os.path.join(self.bindir, args[0]), *args[1:]]
        if self.user is not None:
            command = ["runuser", "-u", self.user.pw_name, "--", *command]
        completed = subprocess.run(command, capture_output=True, text=True, cwd=self.folder)
        if completed.returncode:
            tail = (completed.stderr or completed.stdout).strip().splitlines()[-5:]
            raise RuntimeError(f"{args[0]} failed: " + " | ".join(tail))

    def __enter__(self) -> Server:
        options = " ".join(f"-c {k}={v}" for k, v in self.settings.items())
        try:
            self._run("initdb", "-D", self.data, "-A", "trust", "-U", "postgres", "-E", "UTF8",
                      "--no-sync")  # fmt: skip
            self._run("pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "120",
                      "-o", f"-p {PORT} -k {self.folder} {options}", "start")  # fmt: skip
        except Exception as error:
            log = ""
            if os.path.exists(self.log):
                with open(self.log) as handle:
                    log = " | ".join(handle.read().strip().splitlines()[-3:])
            self._folder.cleanup()
            raise RuntimeError(f"{error} {log}".strip()) from None
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self._run("pg_ctl", "-D", self.data, "-m", "fast", "-w", "-t", "120", "stop")
        finally:
            self._folder.cleanup()
