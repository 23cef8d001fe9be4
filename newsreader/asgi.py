import os

from django.core.asgi import get_asgi_application

from newsreader.preload import preload_urlconf

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsreader.settings")
application = get_asgi_application()
preload_urlconf()
