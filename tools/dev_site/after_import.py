"""Run a function on a module right after it is imported (development seams only).

The seams must not import what they patch: that would load it into every process they run
in, before Home Assistant starts, and skew what the benchmarks measure.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
import importlib.abc
import importlib.machinery
import sys
from types import ModuleType


class _After(importlib.abc.MetaPathFinder):
    """Wrap one module's loader to call a function once the module has run."""

    def __init__(self, name: str, then: Callable[[ModuleType], None]) -> None:
        self._name = name
        self._then = then

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != self._name:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return None
        loader = spec.loader
        then = self._then

        class _Loader(importlib.abc.Loader):
            def create_module(self, spec: importlib.machinery.ModuleSpec) -> None:
                return None

            def exec_module(self, module: ModuleType) -> None:
                loader.exec_module(module)  # type: ignore[union-attr]
                then(module)

        # Once is enough: the module stays imported.
        sys.meta_path.remove(self)

        spec.loader = _Loader()
        return spec


def after_import(name: str, then: Callable[[ModuleType], None]) -> Callable[[], None]:
    """Call then(module) now if the module is loaded, else when it is imported.

    Return a function that stops waiting for the import (if it has not happened yet).
    """
    if (module := sys.modules.get(name)) is not None:
        then(module)
        return lambda: None
    finder = _After(name, then)
    sys.meta_path.insert(0, finder)

    def _cancel() -> None:
        if finder in sys.meta_path:
            sys.meta_path.remove(finder)

    return _cancel
