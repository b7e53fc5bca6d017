"""A throwaway local PostgreSQL cluster: for the tests' hub and for `make hub` (data in `.hub/`).

Not how a county runs its hub (see the README's "The hub" section): one cluster in a directory,
listening on a loopback port, trust authentication for the local superuser. PostgreSQL refuses
to run as root, so as root the cluster is created and run as the `postgres` system account
(the data and socket directories are handed to it).
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "hubadmin"
DATABASE = "hub"
_SEARCH = ("/usr/lib/postgresql/17/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/15/bin")


def _as_root() -> bool:
    return getattr(os, "geteuid", lambda: -1)() == 0  # no geteuid on Windows: never root there


def bin_dir() -> Path:
    """The directory holding initdb and pg_ctl (PostgreSQL 15 or newer)."""
    for candidate in _SEARCH:
        if Path(candidate, "initdb").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise FileNotFoundError("PostgreSQL server binaries (initdb, pg_ctl) not found")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LocalServer:
    """A cluster under `root`: data in root/data, log in root/server.log."""

    root: Path
    port: int = 0
    password: str = ""

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def url(self) -> str:
        return f"postgresql://{SUPERUSER}:{self.password}@127.0.0.1:{self.port}/{DATABASE}"

    def _run(self, argv: list[str]) -> subprocess.CompletedProcess:
        if _as_root():  # PostgreSQL will not run as root
            argv = ["runuser", "-u", "postgres", "--", *argv]
        return subprocess.run(argv, check=True, capture_output=True, text=True, cwd="/")

    def start(self) -> LocalServer:
        """initdb when the data directory is new, then start on a free loopback port."""
        self.root.mkdir(parents=True, exist_ok=True)
        if _as_root():
            shutil.chown(self.root, "postgres", "postgres")
            os.chmod(self.root, 0o700)
            reach = subprocess.run(["runuser", "-u", "postgres", "--", "test", "-w", str(self.root)])
            if reach.returncode != 0:
                raise PermissionError(f"{self.root}: the postgres account cannot reach this directory")
        fresh = not (self.data / "PG_VERSION").exists()
        secret = self.root / "superuser.pw"
        if fresh:
            secret.write_text(secrets.token_urlsafe(18))
            if _as_root():
                shutil.chown(secret, "postgres", "postgres")
            os.chmod(secret, 0o600)
            # Password (SCRAM) over TCP, as a county's hub; the socket only for this account.
            self._run([
                str(bin_dir() / "initdb"), "-D", str(self.data), "-U", SUPERUSER,
                f"--pwfile={secret}", "--auth-local=trust", "--auth-host=scram-sha-256",
                "-E", "UTF8", "--locale=C.UTF-8",
            ])
        self.password = secret.read_text().strip()
        port_file = self.root / "port"
        if not self.port and port_file.exists():
            self.port = int(port_file.read_text())
        self.port = self.port or free_port()
        port_file.write_text(str(self.port))
        if self.running():
            return self
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run([
            str(bin_dir() / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "server.log"),
            "-o", options, "-w", "-t", "60", "start",
        ])
        if fresh:
            self._wait_and_create_db()
        return self

    def _wait_and_create_db(self) -> None:
        import psycopg

        admin = self.url.rsplit("/", 1)[0] + "/postgres"
        for _ in range(50):
            try:
                with psycopg.connect(admin, autocommit=True) as conn:
                    conn.execute(f"CREATE DATABASE {DATABASE}")
                    return
            except psycopg.OperationalError:
                time.sleep(0.1)
        raise RuntimeError("local PostgreSQL did not accept connections")

    def running(self) -> bool:
        argv = [str(bin_dir() / "pg_ctl"), "-D", str(self.data), "status"]
        if _as_root():
            argv = ["runuser", "-u", "postgres", "--", *argv]
        return subprocess.run(argv, capture_output=True, cwd="/").returncode == 0

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run([str(bin_dir() / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"])


def main(argv: list[str] | None = None) -> int:
    """`make hub`: a local hub to try out under `.hub/` (started, initialised, its URL printed)."""
    import argparse
    import json

    from desktop.hub import schema

    parser = argparse.ArgumentParser(prog="python -m desktop.hub.local_server")
    parser.add_argument("root", nargs="?", default=".hub")
    parser.add_argument("--stop", action="store_true")
    args = parser.parse_args(argv)
    server = LocalServer(Path(args.root).resolve())
    if args.stop:
        server.stop()
        print(json.dumps({"stopped": str(server.root)}))
        return 0
    server.start()
    schema.init_hub(server.url)
    print(json.dumps({"url": server.url, "data": str(server.data), "stop": "make hub-stop"}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
