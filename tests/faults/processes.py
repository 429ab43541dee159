"""Real processes for the fault tests: a Redis server, a PostgreSQL cluster, a Celery worker,
a web server. Each is started by the test on a port chosen at run time, in its own process
group, and stopped by the fixture that started it (also when the test fails); waits are
bounded and say what they waited for, with the tail of the process's log.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
PG_BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def unavailable(reason: str):
    """Skip for a missing binary, or fail when REQUIRE_FAULTS=1 (CI) says it must run."""
    if os.environ.get("REQUIRE_FAULTS") == "1":
        pytest.fail(f"REQUIRE_FAULTS=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def binary(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        for directory in PG_BIN_DIRS:
            if (directory / name).exists():
                return str(directory / name)
        unavailable(f"{name} is not installed")
    return found


def pg_binary(name: str) -> str:
    """From the newest /usr/lib/postgresql/<version>/bin, else from PATH."""
    for directory in PG_BIN_DIRS:
        if (directory / name).exists():
            return str(directory / name)
    return binary(name)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def tail(path: Path, lines: int = 30) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


def wait_until(
    check: Callable[[], object], *, timeout: float, what: str, interval: float = 0.1, log=None
):
    """check()'s first truthy value; fail with `what` (and a log's tail) after `timeout` s."""
    deadline = time.monotonic() + timeout
    last_error = None
    while True:
        try:
            value = check()
            if value:
                return value
        except Exception as exc:  # keep polling; report the last error
            last_error = exc
        if time.monotonic() > deadline:
            message = f"timed out after {timeout:.0f} s waiting for {what}"
            if last_error is not None:
                message += f" (last error: {last_error!r})"
            if log is not None:
                message += f"\n--- {log} ---\n{tail(Path(log))}"
            pytest.fail(message, pytrace=False)
        time.sleep(interval)


class Process:
    """One child process (and its children) in its own process group, logging to a file."""

    def __init__(self, name: str, argv: list[str], log: Path, env=None, cwd=ROOT, user=None):
        self.name, self.argv, self.log = name, argv, log
        self._log_file = open(log, "ab")  # noqa: SIM115 - closed in kill() or stop()
        self.proc = subprocess.Popen(
            argv,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            cwd=cwd,
            start_new_session=True,  # its own group: kill() reaches prefork children too
            user=user,
        )

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        """kill -9 the whole group: a crash, not a shutdown."""
        self._signal_group(signal.SIGKILL)
        self.proc.wait(timeout=10)
        self._log_file.close()

    def stop(self, timeout: float = 10) -> None:
        if self.alive():
            self._signal_group(signal.SIGTERM)
            self._signal_group(signal.SIGCONT)  # a paused process must wake up to stop
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._signal_group(signal.SIGKILL)
                self.proc.wait(timeout=10)
        else:
            self._signal_group(signal.SIGKILL)  # children left behind by a dead leader
        self._log_file.close()

    def _signal_group(self, sig) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, sig)


# --------------------------------------------------------------------------- Redis


class RedisServer:
    """redis-server without persistence on a free port; kill() and start() again on the
    same port, as when Redis crashes and is restarted (it comes back empty)."""

    def __init__(self, workdir: Path):
        self.executable = binary("redis-server")
        self.workdir = workdir
        self.port = free_port()
        self.process: Process | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        self.process = Process(
            "redis",
            [
                self.executable,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--dir",
                str(self.workdir),
            ],
            self.workdir / "redis.log",
        )
        wait_until(self.ping, timeout=15, what=f"redis-server on port {self.port}", log=self.log)
        return self

    @property
    def log(self) -> Path:
        return self.workdir / "redis.log"

    def client(self):
        import redis

        return redis.Redis.from_url(self.url, socket_timeout=2, socket_connect_timeout=2)

    def ping(self) -> bool:
        return bool(self.client().ping())

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        wait_until(
            lambda: not port_open(self.port), timeout=10, what="the killed Redis to stop answering"
        )

    def pause(self) -> None:
        """SIGSTOP: Redis hangs. Connections are still accepted (by the kernel), never
        answered: the worst case for a client without timeouts."""
        assert self.process is not None
        self.process._signal_group(signal.SIGSTOP)

    def resume(self) -> None:
        assert self.process is not None
        self.process._signal_group(signal.SIGCONT)

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()


# --------------------------------------------------------------------------- PostgreSQL


class PostgresCluster:
    """A throwaway cluster of our own (initdb, pg_ctl) on a free port, never the shared
    server: it is restarted by the tests. PostgreSQL refuses to run as root, so as root the
    cluster belongs to the `postgres` system user."""

    def __init__(self, workdir: Path):
        self.initdb, self.pg_ctl = pg_binary("initdb"), pg_binary("pg_ctl")
        self.port = free_port()
        self.workdir = workdir
        self.data = workdir / "data"
        self.sockets = workdir / "sockets"
        self.log = workdir / "postgres.log"
        self.user = None
        if os.geteuid() == 0:
            import pwd

            try:
                self.user = pwd.getpwnam("postgres").pw_name
            except KeyError:
                unavailable("running as root and there is no postgres user to own a cluster")

    def _run(self, argv: list[str], timeout: float = 60) -> None:
        result = subprocess.run(
            argv,
            capture_output=True,
            text=True,
            timeout=timeout,
            user=self.user,
            cwd=self.workdir,
            stdin=subprocess.DEVNULL,
        )
        if result.returncode:
            pytest.fail(
                f"{' '.join(argv)} failed ({result.returncode}):\n{result.stdout}{result.stderr}"
                f"\n--- {self.log} ---\n{tail(self.log)}",
                pytrace=False,
            )

    def create(self) -> PostgresCluster:
        self.sockets.mkdir(parents=True, exist_ok=True)
        if self.user:
            shutil.chown(self.workdir, self.user)
            shutil.chown(self.sockets, self.user)
        self._run(
            [
                *(self.initdb, "-D", str(self.data), "-U", "postgres", "-A", "trust"),
                *("-E", "UTF8", "--no-sync", "--no-instructions", "--locale=C"),
            ],
            timeout=120,
        )
        with open(self.data / "postgresql.conf", "a") as conf:
            # Speed over durability: a fast restart loses nothing committed anyway.
            conf.write(
                f"port = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.sockets}'\n"
                "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
                "max_connections = 50\nshared_buffers = 32MB\n"
            )
        return self

    def start(self) -> None:
        self._run(
            [self.pg_ctl, "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start"]
        )

    def restart(self) -> None:
        """`pg_ctl restart -m fast`: every connection is cut, new ones are refused until the
        server is up again."""
        self._run(
            [
                *(self.pg_ctl, "-D", str(self.data), "-l", str(self.log)),
                *("-w", "-t", "60", "-m", "fast", "restart"),
            ]
        )

    def stop_fast(self) -> None:
        """`pg_ctl stop -m fast`: down until start() (for as long as the test needs)."""
        self._run([self.pg_ctl, "-D", str(self.data), "-w", "-t", "60", "-m", "fast", "stop"])

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            subprocess.run(
                [self.pg_ctl, "-D", str(self.data), "-m", "immediate", "-w", "-t", "30", "stop"],
                capture_output=True,
                timeout=60,
                user=self.user,
                cwd=self.workdir,
            )

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"


# --------------------------------------------------------------------------- Django children


def django_env(**extra: str) -> dict[str, str]:
    """The environment of a Django child process (web server, worker, script)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE"}
        and not k.startswith("PYTEST_")
    }
    env.update(PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1", **extra)
    return env


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL for the database this process is connected to (the test database)."""
    from urllib.parse import quote

    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    return f"postgres://{auth}{host}:{port}/{quote(settings_dict['NAME'], safe='')}"


def celery_worker(name: str, log: Path, **env: str) -> Process:
    """`celery -A config worker` as production runs it (prefork, prefetch 1, acks late)."""
    return Process(
        f"celery-{name}",
        [
            str(VENV_BIN / "celery"),
            *("-A", "config", "worker", "--pool", "prefork", "--concurrency", "1"),
            *("--prefetch-multiplier", "1", "--loglevel", "info", "--hostname", f"{name}@%h"),
            *("--without-gossip", "--without-mingle", "--without-heartbeat"),
        ],
        log,
        env=django_env(DJANGO_SETTINGS_MODULE="tests.faults.child_settings", **env),
    )
