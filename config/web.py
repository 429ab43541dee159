"""The production web server: `python -m config.web` (the `web` line of Procfile).

Granian, an HTTP server written in Rust, serving Django's WSGI application: it parses HTTP
and handles connections outside Python, which on a two-core machine leaves nearly twice as
much of the CPU to the application as a Python server does (bench/bench_load.py measures
both with the same /healthz). Settings come from the environment, each with a default:

- WEB_BIND: 127.0.0.1:8000, or unix:/path/to.sock (behind a TLS-terminating reverse proxy).
- WEB_WORKERS: processes, default one more than the cores. Each has its own interpreter
  and GIL; the extra one keeps the cores busy while the others wait on PostgreSQL and Redis.
- WEB_THREADS: threads per process running Django, default 2. More threads per process
  mostly queue for its GIL: on the two-core machine, bench/bench_load.py measured 3 x 2
  ahead of 2 x 4 for answer saves and verification, and 2 x 1 no better overall.
- WEB_BACKLOG: 4096; an exam day starts everyone at 9:00 at once, and requests queue in the
  kernel for a moment rather than being refused.
- WEB_WORKER_MAX_RSS: MiB, default 1024; a worker that grows past it is replaced gracefully.
- WEB_ACCESS_LOG: set to 1 for an access log (off: verify URLs carry certificate tokens, and
  the app logs what it needs in the audit and verification logs).
- WEB_LOG_LEVEL: info.

SIGTERM stops gracefully: requests in flight get WEB_GRACEFUL_TIMEOUT seconds (default 30).
A worker that dies is started again; with `sysctl net.ipv4.tcp_migrate_req=1` (Linux 5.14+)
the connections queued on it move to the others instead of being reset (granian says so at
start when it is off).
"""

from __future__ import annotations

import os
import shutil
import sys


def _env(name: str, default: str) -> str:
    return os.environ.get(name) or default


def granian_argv() -> list[str]:
    bind = _env("WEB_BIND", "127.0.0.1:8000")
    if bind.startswith("unix:"):
        where = ["--uds", bind.removeprefix("unix:")]
    else:
        host, _, port = bind.rpartition(":")
        where = ["--host", host.strip("[]") or "127.0.0.1", "--port", port]
    argv = [
        shutil.which("granian", path=os.path.dirname(sys.executable)) or "granian",
        "--interface",
        "wsgi",
        *where,
        "--workers",
        _env("WEB_WORKERS", str((os.cpu_count() or 1) + 1)),
        "--blocking-threads",
        _env("WEB_THREADS", "2"),
        "--backlog",
        _env("WEB_BACKLOG", "4096"),
        "--no-ws",
        "--respawn-failed-workers",
        "--workers-max-rss",
        _env("WEB_WORKER_MAX_RSS", "1024"),
        "--workers-kill-timeout",
        _env("WEB_GRACEFUL_TIMEOUT", "30"),
        "--log-level",
        _env("WEB_LOG_LEVEL", "info"),
    ]
    if os.environ.get("WEB_ACCESS_LOG"):
        argv.append("--access-log")
    return [*argv, "config.wsgi:application"]


def main() -> None:
    argv = granian_argv()
    os.execvp(argv[0], argv)  # granian takes over this process: signals reach it directly


if __name__ == "__main__":
    main()
