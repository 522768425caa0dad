"""The platform vocabulary: every enumeration's codes and Chinese labels."""

from __future__ import annotations

from fastapi import APIRouter

from geo.enums import vocabulary as _vocabulary

router = APIRouter(prefix="/api/v1", tags=["vocabulary"])


@router.get("/vocabulary", summary="Enumerations: codes and Chinese labels")
def vocabulary() -> dict[str, object]:
    """Codes are stable English identifiers; labels are what the platform and the interface show."""
    return _vocabulary()
