"""Release calendar (public): the months published, when, and the releases to come.

Every word is decided by `pipelines.publish.info` (the static site's page too)."""

from dashboard import public_view

public_view.info("release-calendar")
