"""The site's URLs plus uploaded media, for browser tests: the live server runs with
DEBUG off, when config/urls.py serves no media (production's web server does)."""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from config.urls import urlpatterns as site_urlpatterns


def media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)  # read per request


urlpatterns = [re_path(r"^media/(?P<path>.*)$", media), *site_urlpatterns]
