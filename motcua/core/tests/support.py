"""What the core's tests share."""

from __future__ import annotations

import importlib
import pkgutil

import motcua


def import_every_module() -> None:
    """Import every module of the package but tests and migrations, so that the
    registries (precompiled queries, reference caches) hold everything the code
    declares, wherever it is declared."""
    for module in pkgutil.walk_packages(motcua.__path__, "motcua."):
        if {"tests", "migrations", "__main__"} & set(module.name.split(".")):
            continue
        importlib.import_module(module.name)
