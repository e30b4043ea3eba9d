"""The JSON API under ``/api/v1``: the same use cases as the pages, for other systems."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1", tags=["readiness"])
