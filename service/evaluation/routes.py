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

router.include_router(_reports)

from service.evaluation.review.routes import router as _review  # noqa: E402

router.include_router(_review)
