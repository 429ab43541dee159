"""The production web server's command line, from the environment (config/web.py)."""

from config.web import granian_argv


def _option(argv: list[str], name: str) -> str:
    return argv[argv.index(name) + 1]


def test_defaults_serve_the_wsgi_application_on_loopback(monkeypatch):
    for name in ("WEB_BIND", "WEB_WORKERS", "WEB_THREADS", "WEB_ACCESS_LOG"):
        monkeypatch.delenv(name, raising=False)
    argv = granian_argv()
    assert argv[-1] == "config.wsgi:application"
    assert _option(argv, "--interface") == "wsgi"
    assert (_option(argv, "--host"), _option(argv, "--port")) == ("127.0.0.1", "8000")
    assert int(_option(argv, "--workers")) >= 1
    assert "--access-log" not in argv  # verify URLs carry certificate tokens


def test_the_environment_sets_address_processes_threads_and_access_log(monkeypatch):
    monkeypatch.setenv("WEB_BIND", "0.0.0.0:9000")
    monkeypatch.setenv("WEB_WORKERS", "3")
    monkeypatch.setenv("WEB_THREADS", "8")
    monkeypatch.setenv("WEB_ACCESS_LOG", "1")
    argv = granian_argv()
    assert (_option(argv, "--host"), _option(argv, "--port")) == ("0.0.0.0", "9000")
    assert (_option(argv, "--workers"), _option(argv, "--blocking-threads")) == ("3", "8")
    assert "--access-log" in argv


def test_a_unix_socket_binds_no_port(monkeypatch):
    monkeypatch.setenv("WEB_BIND", "unix:/run/training/web.sock")
    argv = granian_argv()
    assert _option(argv, "--uds") == "/run/training/web.sock"
    assert "--port" not in argv


def test_a_worker_sets_its_loaded_code_aside_from_the_garbage_collector():
    """config.wsgi freezes what it loaded (every view module included), so a full
    collection in the middle of the exam day's requests does not walk it."""
    import os
    import subprocess
    import sys

    probe = (
        "import gc, sys, config.wsgi; "
        "print(gc.get_freeze_count(), 'question_banks.views.exams' in sys.modules)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
    ).stdout.split()
    assert int(out[0]) > 50_000 and out[1] == "True"
