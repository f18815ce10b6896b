"""Point sms_iot's KORE client at a local fake API (development only).

The client's URLs are module constants; this sets them as the module is imported, so the
integration's code is unchanged.
"""

from __future__ import annotations

from types import ModuleType

from after_import import after_import

MODULE = "custom_components.sms_iot.kore_client"


def redirect_kore(base_url: str) -> None:
    """Send the KORE client's calls to base_url."""
    base = base_url.rstrip("/")

    def _patch(module: ModuleType) -> None:
        module.API_URL = base  # type: ignore[attr-defined]
        module.TOKEN_URL = f"{base}/api-services/v1/auth/token"  # type: ignore[attr-defined]

    after_import(MODULE, _patch)
