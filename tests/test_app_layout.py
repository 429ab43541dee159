"""Every app has the same shape, under the same names (README, "The shape of every app"), so a
newcomer who knows one app finds their way in the next.

Read with `ast` and the file tree: nothing is imported.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = sorted(path.parent.name for path in ROOT.glob("*/apps.py"))


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def _modules(app: str):
    for path in (ROOT / app).rglob("*.py"):
        if "migrations" not in path.relative_to(ROOT).parts:
            yield path


def _ready(app: str) -> ast.FunctionDef | None:
    for node in ast.walk(_tree(ROOT / app / "apps.py")):
        if isinstance(node, ast.FunctionDef) and node.name == "ready":
            return node
    return None


def test_the_product_apps_are_found():
    assert {"roster", "courses", "question_banks", "certificates", "reports"} <= set(APPS)
    assert {"notices", "drills", "campaigns", "contests"} <= set(APPS)


def test_every_app_wires_its_start_up_in_signals():
    """AppConfig.ready() does one thing, `from . import signals`, and an app with a
    signals.py has that ready(): receivers and registrations with other apps are found in one
    place, whichever app it is."""
    wrong = []
    for app in APPS:
        ready = _ready(app)
        has_signals = (ROOT / app / "signals.py").exists()
        if ready is None:
            if has_signals:
                wrong.append(f"{app}: signals.py but no ready()")
            continue
        body = [
            node
            for node in ready.body
            if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))
        ]
        only_signals = (
            len(body) == 1
            and isinstance(body[0], ast.ImportFrom)
            and body[0].level == 1
            and body[0].module is None
            and [alias.name for alias in body[0].names] == ["signals"]
        )
        if not (only_signals and has_signals):
            wrong.append(f"{app}: ready() must be only `from . import signals`")
    assert not wrong, wrong


def _connects(tree: ast.Module) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            for decorator in node.decorator_list:
                call = decorator.func if isinstance(decorator, ast.Call) else decorator
                if isinstance(call, ast.Name) and call.id == "receiver":
                    return True
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "connect"
        ):
            return True
    return False


def test_receivers_are_connected_only_in_signals_modules():
    found = [
        str(path.relative_to(ROOT))
        for app in APPS
        for path in _modules(app)
        if path.name != "signals.py" and _connects(_tree(path))
    ]
    assert not found, found


def test_files_in_and_out_are_named_alike():
    """Reading a file in is `<app>/imports` (module or package), writing one out
    `<app>/exports`; their pages are `views/imports`; no `importers`, `interchange` or
    `<thing>_import` beside them."""
    allowed = {"imports", "exports"}
    wrong = []
    for app in APPS:
        for folder in (ROOT / app, ROOT / app / "views"):
            if not folder.is_dir():
                continue
            for entry in folder.iterdir():
                name = entry.stem if entry.suffix == ".py" else entry.name
                in_or_out = re.search(r"import|export|interchange", name)
                if (entry.suffix == ".py" or entry.is_dir()) and in_or_out and name not in allowed:
                    wrong.append(str(entry.relative_to(ROOT)))
    assert not wrong, wrong


def test_templates_are_under_the_apps_own_name():
    wrong = [
        str(entry.relative_to(ROOT))
        for app in APPS
        if (ROOT / app / "templates").is_dir()
        for entry in (ROOT / app / "templates").iterdir()
        if entry.name != app
    ]
    assert not wrong, wrong


def test_url_namespaces_are_the_apps_own_names():
    """`<app>/urls.py` is namespace `<app>`; a second URL module `<app>/urls_<part>.py` is
    `<app>_<part>` (reverse("question_banks:…"), reverse("certificates_manage:…"))."""
    wrong = []
    for app in APPS:
        for path in sorted((ROOT / app).glob("urls*.py")):
            expected = app + path.stem.removeprefix("urls")
            names = [
                node.value.value
                for node in _tree(path).body
                if isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "app_name" for t in node.targets)
                and isinstance(node.value, ast.Constant)
            ]
            if names != [expected]:
                wrong.append(f"{path.relative_to(ROOT)}: app_name {names} (expected {expected})")
    assert not wrong, wrong


def test_every_apps_pages_are_a_views_package():
    """An app's pages live in <app>/views/, a module per area: no views.py beside it and no
    <area>_views.py at the top of the app."""
    wrong = [
        str(path.relative_to(ROOT))
        for app in APPS
        for path in (ROOT / app).glob("*.py")
        if path.name == "views.py" or path.name.endswith("_views.py")
    ]
    assert not wrong, wrong
