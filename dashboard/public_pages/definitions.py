"""Definitions (public): what each published figure counts, in plain words.

Every word is decided by `pipelines.publish.info` (the static site's page too)."""

from dashboard import public_view

public_view.info("definitions")
