"""Browser tests: real Chromium against the production build of the app and the real feed."""
