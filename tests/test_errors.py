"""Every error a user can cause is declared in fieldcoach/errors.py, so raising one never
needs the command line (sync/commands.py once imported cli for UserError: an import
cycle), and the old homes still export theirs."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import fieldcoach
from fieldcoach import errors

CORE = Path(fieldcoach.__file__).parent
ENTRY = {"fieldcoach.cli", "fieldcoach.__main__"}  # the command line itself


def core_modules() -> list[str]:
    return sorted(m.name for m in pkgutil.walk_packages([str(CORE)], "fieldcoach."))


def imported_modules(name: str) -> set[str]:
    """Absolute names of the modules one core module imports (at any depth in the file)."""
    path = CORE.joinpath(*name.split(".")[1:])
    path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            base = base[:len(base) - node.level + 1] if node.level else []
            target = ".".join(base + ([node.module] if node.module else []))
            out.add(target)
            out.update(f"{target}.{a.name}" for a in node.names)
    return out


def test_no_core_module_imports_the_command_line():
    offenders = {name for name in core_modules() if name not in ENTRY
                 and "fieldcoach.cli" in imported_modules(name)}
    assert offenders == set()


def test_every_exception_class_of_the_core_is_declared_in_errors():
    declared_elsewhere = []
    for name in core_modules():
        if name in ("screens.app", "fieldcoach.__main__"):  # the App moves to screens/; __main__ runs
            continue
        module = importlib.import_module(name)
        for cls_name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, BaseException) and cls.__module__ == name and name != "fieldcoach.errors":
                declared_elsewhere.append(f"{name}.{cls_name}")
    assert declared_elsewhere == []


def test_old_homes_still_export_their_errors():
    from fieldcoach import cli, dates, db
    from fieldcoach.sync import export, ids, importer

    assert cli.UserError is errors.UserError
    assert db.StoreError is errors.StoreError
    assert dates.DateParseError is errors.DateParseError
    assert importer.ImportRefused is errors.ImportRefused
    assert export.ExportRefused is errors.ExportRefused
    assert ids.UnsafePath is errors.UnsafePath
