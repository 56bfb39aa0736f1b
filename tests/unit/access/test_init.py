"""Public surfaces: `__all__` is complete, importable and sorted."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest

import cerulean.access

MODULES = sorted(
    name for _, name, _ in pkgutil.walk_packages(cerulean.access.__path__, prefix="cerulean.access.")
)


@pytest.mark.parametrize("name", ["cerulean.access", "cerulean.access.conditions", *MODULES])
def test_all_names_exist(name):
    module = importlib.import_module(name)
    assert hasattr(module, "__all__"), name
    for exported in module.__all__:
        assert hasattr(module, exported), (name, exported)


def test_packages_export_the_engine():
    for name in ("decide", "grant", "explain", "PolicySnapshot", "Principal", "RegistryContext"):
        assert name in cerulean.access.__all__


def test_only_core_is_imported_from_cerulean():
    for name in MODULES:
        source = importlib.import_module(name).__file__
        assert source is not None
        text = Path(source).read_text(encoding="utf-8")
        for line in text.splitlines():
            stripped = line.strip()
            if stripped.startswith(("import cerulean", "from cerulean")):
                assert stripped.split()[1].startswith(("cerulean.access", "cerulean.core")), (name, line)
            for forbidden in ("asyncio", "anyio", "pydantic", "sqlalchemy", "starlette"):
                assert not stripped.startswith((f"import {forbidden}", f"from {forbidden}")), (name, line)
