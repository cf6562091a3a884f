"""Licence (public): the Open Government Licence the figures are published under.

Every word is decided by `pipelines.publish.info` (the static site's page too)."""

from dashboard import public_view

public_view.info("licence")
