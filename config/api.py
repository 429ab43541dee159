"""The JSON API (Django Ninja, one framework for the whole project): /api/, schema /api/schema/.

Each app contributes a router from its own `api.py`; every endpoint reads through the app's
selectors with the signed-in user, so the API is scoped exactly like the pages.
"""

from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.security import django_auth

from question_banks.api import router as exams_router
from roster.api import router as roster_router

api = NinjaAPI(
    title="安全生产培训考试与持证管理系统 API",
    version="1",
    description=str(_("Scoped JSON API. Sign in first; every list is limited to your scope.")),
    auth=django_auth,
    openapi_url="/schema/",
    docs_url="/docs/",
    urls_namespace="api",
)
api.add_router("/", roster_router)
api.add_router("/", exams_router)
api.add_router("/", "certificates.api.router")
api.add_router("/", "courses.api.router")
api.add_router("/", "reports.api.router")
api.add_router("/", "reports.notice_api.router")
api.add_router("/", "campaigns.api.router")
api.add_router("/", "reports.campaign_api.router")
api.add_router("/", "contests.api.router")
