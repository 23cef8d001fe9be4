import os

from django.core.wsgi import get_wsgi_application

from newsreader.preload import preload_urlconf

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsreader.settings")
application = get_wsgi_application()
preload_urlconf()
