import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()

# Load every view module now, then set everything loaded so far aside from the garbage
# collector: it lives as long as the process, and a full collection walking it (~270,000
# objects, about 0.1 s on the two-core machine, with the process's threads stopped)
# would otherwise land, now and then, in the middle of an exam day's requests.
get_resolver().url_patterns  # noqa: B018 (importing every URLconf loads every view)
gc.freeze()
