"""Every app's public surface is type-checked: its services and selectors are in mypy's file
list (pyproject.toml), which .ci/run checks with `.venv/bin/mypy`. Read as text, nothing is
imported or type-checked here; a new app or a selectors module split into a package fails
this test until it is listed."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _mypy_files() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return set(config["tool"]["mypy"]["files"])


def _public_surface() -> set[str]:
    found = set()
    for init in ROOT.glob("*/__init__.py"):
        app = init.parent
        if app.name in {"tests", "bench", "demo", "config"}:
            continue
        for name in ("services", "selectors"):
            if (app / name).is_dir():
                found.add(f"{app.name}/{name}")
            elif (app / f"{name}.py").is_file():
                found.add(f"{app.name}/{name}.py")
    return found


def test_every_apps_services_and_selectors_are_type_checked():
    missing = _public_surface() - _mypy_files()
    assert not missing, f"add to [tool.mypy] files in pyproject.toml: {sorted(missing)}"


def test_no_module_is_excused_from_its_type_errors():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    excused = [
        module
        for override in config["tool"]["mypy"].get("overrides", [])
        if override.get("ignore_errors")
        for module in override.get("module", [])
    ]
    assert not excused, f"modules whose type errors are ignored: {excused}"
