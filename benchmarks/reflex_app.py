"""`served_app`: a small Reflex app of the benchmarks, built outside the repository and served.

The app's directory (e.g. `benchmarks/chart_app/`) is copied to a build directory under the
user's cache (`~/.cache/marketpulse-bench/<name>-<hash>`, `$XDG_CACHE_HOME` respected), keyed
by a hash of everything the build depends on: the app's files, the extra assets copied in,
the MarketPulse modules its frontend compiles from, and the Reflex and plotly versions. The
first run installs the frontend packages there (minutes from an empty package cache); later
runs reuse them, so only Reflex's compile and production build remain (`reflex run --env prod`
always rebuilds). Build directories of older inputs are removed.
Nothing is ever built inside the repository: the main app builds its own `.web` there.

The app is served by `reflex run --env prod` (frontend and backend on one free port of
127.0.0.1), with the repository on `PYTHONPATH` so it imports `marketpulse` and
`realtime_server`. A lock file keeps two runs from building in one directory at once. The
server is a `tests.support.processes.ManagedProcess`: stopped, with everything it started, on
every exit path.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from benchmarks.common import ROOT, BenchmarkError
from tests.support.app_server import reflex_env
from tests.support.http import http_ok
from tests.support.ports import LOOPBACK, free_port
from tests.support.processes import ManagedProcess, wait_until

BUILT_MARKER = ".bench-built"
"""Written in the build directory once the app has come up there (its packages are in)."""
SKIPPED = {".web", ".states", "__pycache__", "external"}
COLD_START_S = 1200.0
"""First build: `bun install` of the frontend packages (plotly.js is large) and the build."""
WARM_START_S = 300.0
LOCK_WAIT_S = 900.0


@dataclass(frozen=True)
class AppSource:
    """What to build: the app directory, files copied into its `assets/`, other inputs."""

    name: str
    directory: Path
    assets: tuple[Path, ...] = ()
    inputs: tuple[Path, ...] = ()
    """Further files the compiled frontend depends on (hashed, not copied)."""
    probe: str = "/"
    """A page to fetch to know the frontend is served."""


@dataclass
class ServedApp:
    url: str
    """Base URL, no trailing slash."""
    build_dir: Path
    cached: bool
    """Whether the build directory existed and had built before (its packages are in)."""
    startup_s: float
    process: ManagedProcess


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "marketpulse-bench"


def _files(directory: Path) -> list[Path]:
    return sorted(
        path
        for path in directory.rglob("*")
        if path.is_file()
        and not SKIPPED.intersection(path.relative_to(directory).parts)
        and path.suffix not in {".pyc", ".db"}
    )


def build_key(source: AppSource) -> str:
    digest = hashlib.sha256()
    for package in ("reflex", "plotly"):
        digest.update(f"{package}=={metadata.version(package)}\n".encode())
    digest.update(sys.version.encode())
    for path in [*_files(source.directory), *source.assets, *source.inputs]:
        name = path.relative_to(source.directory) if path.is_relative_to(source.directory) else path
        digest.update(f"\0{name}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _stage(source: AppSource, target: Path) -> None:
    """Copy the app to `target` (atomically: a temporary sibling renamed into place)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        for path in _files(source.directory):
            dest = staging / path.relative_to(source.directory)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, dest)
        (staging / "assets").mkdir(exist_ok=True)
        for asset in source.assets:
            shutil.copy2(asset, staging / "assets" / asset.name)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:

        def acquired() -> bool:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            return True

        if not acquired():
            print(f"waiting for another run to release {path} …", file=sys.stderr)
            wait_until(acquired, LOCK_WAIT_S, f"the build lock {path}")
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def served_app(source: AppSource, rebuild: bool = False) -> Iterator[ServedApp]:
    """Build (or reuse) and serve the app; stop it on the way out, whatever happens."""
    root = cache_root()
    build_dir = root / f"{source.name}-{build_key(source)}"
    with _locked(root / f"{source.name}.lock"):
        for stale in [*root.glob(f"{source.name}-*"), *root.glob(f".{source.name}-*")]:
            if stale.is_dir() and stale != build_dir:  # older inputs; ours alone (the lock)
                shutil.rmtree(stale, ignore_errors=True)
        if rebuild and build_dir.exists():
            shutil.rmtree(build_dir)
        if not build_dir.exists():
            _stage(source, build_dir)
        cached = (build_dir / BUILT_MARKER).exists()
        port = free_port()
        url = f"http://{LOOPBACK}:{port}"
        print(
            f"serving {source.name} from {build_dir} "
            f"({'cached build' if cached else 'first build: installs packages, minutes'})",
            file=sys.stderr,
        )
        started = time.monotonic()
        args = [sys.executable, "-m", "reflex", "run", "--env", "prod"]
        args += ["--frontend-port", str(port), "--backend-port", str(port)]
        args += ["--backend-host", LOOPBACK, "--loglevel", "info"]
        # The repository on the path: the app imports marketpulse and realtime_server.
        env = reflex_env(PYTHONPATH=os.pathsep.join([str(build_dir), str(ROOT)]))
        process = ManagedProcess(args, env, build_dir, name=source.name)
        try:

            def ready() -> bool:
                if not process.alive():
                    raise BenchmarkError(
                        f"the {source.name} app exited:\n{process.output(limit=4000)}"
                    )
                return http_ok(f"{url}/ping") and http_ok(url + source.probe)

            try:
                wait_until(ready, WARM_START_S if cached else COLD_START_S, f"{source.name}")
            except TimeoutError as exc:
                raise BenchmarkError(f"{exc}\n{process.output(limit=4000)}") from None
            (build_dir / BUILT_MARKER).touch()
            yield ServedApp(url, build_dir, cached, time.monotonic() - started, process)
        finally:
            process.close()
