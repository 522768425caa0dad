"""The evaluation's API, one router made of its parts' routers (each part declares who may call what)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
# Each part of the evaluation includes its router here, e.g.
# from service.evaluation.review.routes import router as review
# router.include_router(review)

from service.evaluation.dashboard_routes import router as _figures  # noqa: E402

router.include_router(_figures)

from service.evaluation.survey.routes import router as _survey  # noqa: E402

router.include_router(_survey)

from service.evaluation.reports.routes import router as _reports  # noqa: E402

# Out of the OpenAPI document for now: with them, Swagger UI (5.35.0, vendored) stops drawing after the third
# tag (tests/core/test_docs_and_headers.py); the routes are documented in docs/evaluation_reports.md.
router.include_router(_reports, include_in_schema=False)

from service.evaluation.review.routes import router as _review  # noqa: E402

router.include_router(_review)
