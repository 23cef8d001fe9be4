"""The static files storage of production: hashed names, compressed copies, and hashed ES modules.

whitenoise's ``CompressedManifestStaticFilesStorage`` gives every collected file
a content-hashed name (``main.3f2a….js``) so it can be cached for a year, and
rewrites references *between* files (CSS ``url()``, source maps) to those
names. The annotator is native ES modules (``static/js/annotator/*.js``) that
load each other with relative ``import … from "./dom.js"``. Django rewrites
those imports only when the storage asks for it
(``support_js_module_import_aggregation``, off by default). Without it the
hashed ``main.js`` would import the *unhashed* ``./dom.js``: a release would
mix a new ``main.js`` with a browser's year-old cached ``dom.js``, or load
modules that are not served with far-future caching at all.
"""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    # Rewrite `import`/`export … from "./x.js"` in JavaScript to the hashed names
    # (see the module docstring). Only static imports are rewritten: our modules
    # use no dynamic `import()` (tests/newsreader/test_storage.py checks that).
    support_js_module_import_aggregation = True
