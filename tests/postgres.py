"""A throwaway PostgreSQL cluster for the tests, started from the machine's server binaries.

`initdb` refuses to run as root, so as root (CI runs `.ci/run` as root in a fresh clone) the
cluster's folder is given to the `postgres` user and the server programs run as that user
through `runuser`. The cluster listens on a free loopback port (the tests may reach loopback
only), trusts local connections (nothing but this machine can reach it, and it lives for one
test session), and runs with fsync off: its data is thrown away at the end.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

SERVER_USER = "postgres"
START_TIMEOUT_S = 60


def find_bindir() -> Path | None:
    """The newest installed PostgreSQL's bin folder (PG_BINDIR overrides), or None."""
    override = os.environ.get("PG_BINDIR")
    if override:
        return Path(override) if (Path(override) / "initdb").exists() else None
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: (
            int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0
        ),
    )
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Cluster:
    """One running cluster: its folder, port and the URL of its `postgres` database."""

    bindir: Path
    root: Path
    port: int
    as_user: str | None  # run the server programs as this user (when we are root)

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SERVER_USER}@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.as_user:
            command = ["runuser", "-u", self.as_user, "--", *command]
        # cwd: the server user may not be allowed into the caller's folder (/root/…).
        done = subprocess.run(
            command, cwd=self.root, capture_output=True, text=True, timeout=START_TIMEOUT_S
        )
        if done.returncode != 0:
            log = self.root / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(
                f"{args[0]} failed ({done.returncode}): {done.stderr.strip()[-2000:]}\n{tail}"
            )

    @classmethod
    def start(cls, bindir: Path) -> Cluster:
        root = Path(tempfile.mkdtemp(prefix="coach-pg-"))
        as_user = SERVER_USER if os.geteuid() == 0 else None
        if as_user:
            entry = pwd.getpwnam(as_user)
            os.chown(root, entry.pw_uid, entry.pw_gid)
        cluster = cls(bindir, root, _free_port(), as_user)
        try:
            cluster._run(
                "initdb",
                "-D",
                str(cluster.data),
                "--username",
                SERVER_USER,
                "--auth",
                "trust",
                "--encoding",
                "UTF8",
                "--locale",
                "C.UTF-8",
                "--no-sync",
            )
            options = (
                f"-c listen_addresses=127.0.0.1 -c port={cluster.port} "
                f"-c unix_socket_directories={root} -c fsync=off -c synchronous_commit=off "
                "-c full_page_writes=off -c max_connections=200"
            )
            cluster._run(
                "pg_ctl", "-D", str(cluster.data), "-l", str(root / "server.log"),
                "-o", options, "-w", "-t", str(START_TIMEOUT_S), "start",
            )  # fmt: skip
        except BaseException:
            shutil.rmtree(root, ignore_errors=True)
            raise
        return cluster

    def stop(self) -> None:
        try:
            # Immediate: nothing in it is worth a checkpoint.
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
