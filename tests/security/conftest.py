"""The browser fixtures of tests/browser (Chromium found or skipped, or failed with ADKAR_REQUIRE_BROWSER=1)."""

from ..browser.conftest import browser, chromium_path

__all__ = ["browser", "chromium_path"]
