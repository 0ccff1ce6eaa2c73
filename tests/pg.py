"""A throwaway PostgreSQL cluster on loopback for tests (initdb + pg_ctl from the image)."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import time
from pathlib import Path

import psycopg


def _as_postgres_user() -> list[str]:
    # initdb refuses to run as root; run the server as the image's postgres account.
    if os.geteuid() != 0:
        return []
    pwd.getpwnam("postgres")
    return ["runuser", "-u", "postgres", "--"]


class PostgresCluster:
    def __init__(self, base: Path, port: int):
        self.base = base
        self.data = base / "data"
        self.port = port
        self.prefix = _as_postgres_user()

    def start(self) -> PostgresCluster:
        self.base.mkdir(parents=True, exist_ok=True)
        if self.prefix:
            shutil.chown(self.base, "postgres", "postgres")
        for tool in ("initdb", "pg_ctl"):
            if shutil.which(tool) is None:
                raise RuntimeError(f"{tool} not found: install the PostgreSQL server binaries (postgresql-15).")
        done = subprocess.run([*self.prefix, "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
                               "-E", "UTF8", "--locale=C.UTF-8"], capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"initdb failed: {done.stderr or done.stdout}")
        options = f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.base} " \
                  "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        subprocess.run([*self.prefix, "pg_ctl", "-D", str(self.data), "-o", options, "-l",
                        str(self.base / "server.log"), "-w", "start"], check=True, capture_output=True)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                with psycopg.connect(self.url("postgres").replace("+psycopg", ""), connect_timeout=2):
                    break
            except psycopg.OperationalError:
                time.sleep(0.2)
        return self

    def url(self, database: str = "postgres", user: str = "postgres") -> str:
        return f"postgresql+psycopg://{user}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        with psycopg.connect(self.url().replace("+psycopg", ""), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        subprocess.run([*self.prefix, "pg_ctl", "-D", str(self.data), "-m", "immediate", "stop"],
                       capture_output=True)
