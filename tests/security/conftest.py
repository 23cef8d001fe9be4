"""Fixtures of the security tests: the shared browser fixtures (Debian chromium through Playwright)."""

from tests.browser.conftest import (  # noqa: F401  (fixtures)
    browser,
    context,
    login,
    new_context,
    page,
    playwright_instance,
    screenshot,
)
