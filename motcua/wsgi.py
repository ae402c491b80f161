"""WSGI entry point for gunicorn and other servers.

Once the application is loaded, the objects it has made (Django's and every module's,
some 170,000) are moved out of the garbage collector's sight (``gc.freeze``): they live
as long as the process, and a full collection no longer walks them. Measured on the
queue page at 1,000,000 dossiers, a full collection took 96 ms, the request it fell on
with it; frozen, 2.3 ms (docs/benchmarks.md)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
application = get_wsgi_application()
gc.collect()  # what is garbage already is not kept for the process's life
gc.freeze()
