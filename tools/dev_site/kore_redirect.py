"""Point sms_iot's KORE client at a local fake API (development only).

The client's URLs are module constants; this sets them as the module is imported, so the
integration's code is unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
import importlib.abc
import importlib.machinery
import sys
from types import ModuleType

MODULE = "custom_components.sms_iot.kore_client"


class _Redirect(importlib.abc.MetaPathFinder):
    """Wrap the loader of the KORE client to patch its URLs after it runs."""

    def __init__(self, base_url: str) -> None:
        self._base = base_url.rstrip("/")

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != MODULE:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return None
        loader = spec.loader
        base = self._base

        class _Loader(importlib.abc.Loader):
            def create_module(self, spec: importlib.machinery.ModuleSpec) -> None:
                return None

            def exec_module(self, module: ModuleType) -> None:
                loader.exec_module(module)  # type: ignore[union-attr]
                module.API_URL = base  # type: ignore[attr-defined]
                module.TOKEN_URL = f"{base}/api-services/v1/auth/token"  # type: ignore[attr-defined]

        spec.loader = _Loader()
        return spec


def redirect_kore(base_url: str) -> None:
    """Send the KORE client's calls to base_url."""
    sys.meta_path.insert(0, _Redirect(base_url))
