"""The shell imports no app: portal's modules (module- or function-level) import nothing from
devices, policy, incidents or api. The apps plug in through portal's registries instead."""

import ast
from pathlib import Path

import portal

APPS = {"devices", "policy", "incidents", "api"}
PORTAL = Path(portal.__file__).parent


def _imported_modules(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module


def test_portal_imports_no_other_app():
    found = []
    for path in sorted(PORTAL.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, module in _imported_modules(tree):
            if module.split(".")[0] in APPS:
                found.append(f"{path.relative_to(PORTAL.parent)}:{line} imports {module}")
    assert not found, "portal imports an app:\n" + "\n".join(found)


def test_the_walk_sees_function_level_imports():
    # The check itself: an import inside a function counts as much as one at the top.
    source = "def f():\n    from devices.models import Device\n"
    assert [m for _, m in _imported_modules(ast.parse(source))] == ["devices.models"]
