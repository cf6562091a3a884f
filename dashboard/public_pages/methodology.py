"""Methodology and quality (public): where the figures come from, how they are checked, revised and protected.

Every word is decided by `pipelines.publish.info` (the static site's page too)."""

from dashboard import public_view

public_view.info("methodology")
