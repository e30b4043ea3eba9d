"""The routes, one module per part of the app; each holds ``router`` (a FastAPI APIRouter).

Pages are HTML (``include_in_schema=False``); ``api`` is the JSON API under ``/api/v1``.
"""

from __future__ import annotations

from readiness.web.routes import admin, api, auth, dossier, evidence, home, review, scores

ROUTERS = [auth.router, home.router, evidence.router, review.router, scores.router, dossier.router,
           admin.router, api.router]
