"""The MarketPulse app in production mode, for the browser benchmarks.

`start_app(feed_url, env)` gives the app a fresh database (migrated with `reflex db migrate`)
and a fresh signing key in a temporary directory, then serves it with `reflex run --env prod`
on one free port (frontend and backend share it in Reflex 0.10), pointed at `feed_url`. The
feed server verifies the app's tokens with `app.public_key` (guests need none). The returned
`AppServer` stops the app (its whole process group) and removes the directory.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psutil

from benchmarks.common import HOST, ROOT, BenchmarkError, Child, free_port, http_text, wait_until

REFLEX_ENV = {
    "REFLEX_USE_SYSTEM_BUN": "1",
    "REFLEX_TELEMETRY_ENABLED": "false",
    "REFLEX_CHECK_LATEST_VERSION": "0",
}
START_TIMEOUT_S = 300.0
"""A first build compiles the frontend; later starts reuse it and take seconds."""


@dataclass
class AppServer:
    child: Child
    port: int
    home: Path

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/"

    @property
    def public_key(self) -> Path:
        return self.home / "keys" / "feed_ed25519.pub.pem"

    def processes(self) -> list[psutil.Process]:
        """The app's processes (the Reflex CLI and its server workers)."""
        try:
            root = psutil.Process(self.child.pid)
            return [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def stop(self) -> None:
        self.child.stop()
        shutil.rmtree(self.home, ignore_errors=True)


def start_app(feed_url: str, env: dict[str, str] | None = None) -> AppServer:
    """Migrate a fresh database, then build and serve the app on a free port."""
    home = Path(tempfile.mkdtemp(prefix="bench-app-"))
    port = free_port()
    app_env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTEST_CURRENT_TEST", "PYTEST_VERSION"}  # the app is not a test
    }
    app_env |= REFLEX_ENV | {
        "MARKETPULSE_FEED_URL": feed_url,
        "MARKETPULSE_DB_URL": f"sqlite:///{home / 'marketpulse.db'}",
        "MARKETPULSE_JWT_PRIVATE_KEY_FILE": str(home / "keys" / "feed_ed25519.pem"),
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    migrated = subprocess.run(
        [sys.executable, "-m", "reflex", "db", "migrate"],
        env=app_env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if migrated.returncode != 0:
        shutil.rmtree(home, ignore_errors=True)
        raise BenchmarkError(f"reflex db migrate failed:\n{migrated.stderr[-2000:]}")
    args = [sys.executable, "-m", "reflex", "run", "--env", "prod", "--frontend-port", str(port)]
    args += ["--backend-host", HOST, "--loglevel", "warning"]
    app = AppServer(Child(args, "app", app_env), port, home)

    def ready() -> bool:
        if not app.child.alive():
            raise BenchmarkError(f"the app exited early:\n{app.child.output()}")
        return http_text(app.url) is not None and http_text(f"{app.url}ping") is not None

    try:
        wait_until(ready, START_TIMEOUT_S, f"the app on port {port}")
    except BaseException:
        app.stop()
        raise
    return app
