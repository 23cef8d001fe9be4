"""Work a server process does while it starts rather than on its first request (``asgi.py`` and ``wsgi.py``)."""


def preload_urlconf() -> None:
    """Import every view now, before the process takes requests.

    Django imports the URLconf (and with it the views, the suggestion models, scikit-learn, rdflib...) on a
    process's first request: several seconds that the first requests of every new server process would wait
    (two 1,000-item bulk requests sent to a fresh server took 5 s instead of 0.5 s, issue 14). Importing it
    here costs the same once, while the process starts, and needs no database.
    """
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  (the property imports the URLconf)
