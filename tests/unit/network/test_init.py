"""Public surface of `cerulean.network`: `__all__` complete, and the package pure."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest

import cerulean.network

MODULES = sorted(
    name for _, name, _ in pkgutil.walk_packages(cerulean.network.__path__, prefix="cerulean.network.")
)


@pytest.mark.parametrize("name", ["cerulean.network", *MODULES])
def test_all_names_exist(name):
    module = importlib.import_module(name)
    assert hasattr(module, "__all__"), name
    for exported in module.__all__:
        assert hasattr(module, exported), (name, exported)


def test_only_core_is_imported_from_cerulean():
    for name in MODULES:
        source = importlib.import_module(name).__file__
        assert source is not None
        for line in Path(source).read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            if stripped.startswith(("import cerulean", "from cerulean")):
                assert stripped.split()[1].startswith(("cerulean.network", "cerulean.core")), (name, line)
