"""The MarketPulse app in production mode as a child process, for browser tests and benchmarks.

`AppFiles` is the app's private state for one run: a fresh Ed25519 key pair (what `python -m
realtime_server keygen` writes; the app signs feed tokens with the private key, a feed server
given `public_key` verifies them) and a SQLite database, in a temporary directory.
`start_app` migrates that database with `reflex db migrate` (what deploy.sh runs first), then
builds and serves the app with `reflex run --env prod` on one free port (frontend and backend
share it in Reflex 0.10), pointed at a feed URL. `running_app` does both and cleans up.

`reflex_env()` is the environment of any Reflex process the harness starts, this app or the
benchmarks' own small apps.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import psutil

from realtime_server.security.keys import write_keypair
from tests.support.http import http_ok
from tests.support.ports import LOOPBACK, free_port
from tests.support.processes import ManagedProcess, StartupError, wait_until

ROOT = Path(__file__).resolve().parents[2]
REFLEX_ENV = {
    "REFLEX_USE_SYSTEM_BUN": "1",
    "REFLEX_TELEMETRY_ENABLED": "false",
    "REFLEX_CHECK_LATEST_VERSION": "0",
}
START_TIMEOUT_S = float(os.environ.get("MARKETPULSE_TEST_APP_TIMEOUT", "300"))
"""A first build installs the frontend packages; later ones compile and bundle only."""


def reflex_env(**extra: str) -> dict[str, str]:
    """This process's environment for a Reflex child: Reflex's switches on, pytest's off."""
    env = {
        key: value
        for key, value in os.environ.items()
        # Reflex changes behaviour under pytest; the app process is not a test.
        if key not in {"PYTEST_CURRENT_TEST", "PYTEST_VERSION"}
    }
    return env | REFLEX_ENV | {"PYTHONUNBUFFERED": "1"} | extra


@dataclass
class AppFiles:
    """The app's signing keys and database for one run, in a temporary directory."""

    root: Path

    @classmethod
    def create(cls) -> AppFiles:
        files = cls(Path(tempfile.mkdtemp(prefix="marketpulse-app-")))
        write_keypair(files.private_key.parent)
        return files

    @property
    def private_key(self) -> Path:
        return self.root / "keys" / "feed_ed25519.pem"

    @property
    def public_key(self) -> Path:
        return self.root / "keys" / "feed_ed25519.pub.pem"

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.root / 'marketpulse.db'}"

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


@dataclass
class AppServer:
    """The compiled app served by `reflex run --env prod`."""

    process: ManagedProcess
    port: int
    startup_s: float = 0.0

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}/"

    def processes(self) -> list[psutil.Process]:
        """The app's processes: the Reflex CLI and the server workers it started."""
        try:
            root = psutil.Process(self.process.pid)
            return [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def stop(self) -> None:
        self.process.close()


def app_env(
    feed_url: str, files: AppFiles, extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The app's environment: Reflex's switches, the feed, the keys, the database, `extra`."""
    return reflex_env(
        MARKETPULSE_FEED_URL=feed_url,
        MARKETPULSE_JWT_PRIVATE_KEY_FILE=str(files.private_key),
        MARKETPULSE_DB_URL=files.db_url,
        **(extra or {}),
    )


def migrate_database(env: dict[str, str]) -> None:
    """`reflex db migrate`: create the app's tables (what deploy.sh runs before the app)."""
    done = subprocess.run(
        [sys.executable, "-m", "reflex", "db", "migrate"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise StartupError(f"reflex db migrate failed:\n{done.stdout}\n{done.stderr}")


def start_app(
    feed_url: str,
    files: AppFiles,
    *,
    extra_env: Mapping[str, str] | None = None,
    loglevel: str = "info",
) -> AppServer:
    """Migrate the database, then build and serve the app in production mode on a free port."""
    port = free_port()
    env = app_env(feed_url, files, extra_env)
    started = time.monotonic()
    migrate_database(env)
    args = [sys.executable, "-m", "reflex", "run", "--env", "prod", "--frontend-port", str(port)]
    args += ["--backend-host", LOOPBACK, "--loglevel", loglevel]
    process = ManagedProcess(args, env, ROOT, name="marketpulse-app")
    app = AppServer(process=process, port=port)

    def ready() -> bool:
        if not process.alive():
            raise StartupError(f"the app exited early:\n{process.output()}")
        return http_ok(app.url) and http_ok(f"{app.url}ping")

    try:
        wait_until(ready, START_TIMEOUT_S, "the app to build and serve", interval=0.25)
    except TimeoutError as exc:
        output = process.output()
        process.close()
        raise StartupError(f"{exc}; the app's output:\n{output}") from None
    except BaseException:
        process.close()
        raise
    app.startup_s = time.monotonic() - started
    return app


@contextlib.contextmanager
def running_app(
    feed_url: str, *, extra_env: Mapping[str, str] | None = None, loglevel: str = "info"
) -> Iterator[AppServer]:
    """`start_app` with fresh `AppFiles`; the app stopped and its files removed afterwards."""
    files = AppFiles.create()
    try:
        app = start_app(feed_url, files, extra_env=extra_env, loglevel=loglevel)
        try:
            yield app
        finally:
            app.stop()
    finally:
        files.remove()
