"""gunicorn settings for `make prod` (and any production start): `gunicorn -c
config/gunicorn.conf.py config.wsgi`. Every value can be overridden from the environment.

Workers: requests here are short and mostly wait on PostgreSQL, so a few processes with a
few threads each keep both cores busy without the memory of many processes:
WEB_WORKERS (default 2 x cores) processes x WEB_THREADS (default 4) threads. The backlog is
deep because an exam day starts everyone at 9:00 at once; requests queue in the kernel for
a moment rather than being refused."""

import multiprocessing
import os

bind = os.environ.get("WEB_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_WORKERS", 2 * multiprocessing.cpu_count()))
threads = int(os.environ.get("WEB_THREADS", "4"))
worker_class = "gthread"
backlog = int(os.environ.get("WEB_BACKLOG", "4096"))
keepalive = int(os.environ.get("WEB_KEEPALIVE", "15"))  # phones reuse the connection
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))
graceful_timeout = 30
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10
preload_app = True
# No access log by default: verify URLs carry certificate tokens, and the app logs what it
# needs (audit log, verification log). Set WEB_ACCESS_LOG=- to log to stdout anyway.
accesslog = os.environ.get("WEB_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("WEB_LOG_LEVEL", "info")
proc_name = "safety-training"
