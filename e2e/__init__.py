"""The demo in a real browser: the browser test and what scripts/screenshots uses."""
