"""Contact (public): how to reach the office of the Police and Crime Commissioner.

Every word is decided by `pipelines.publish.info` (the static site's page too)."""

from dashboard import public_view

public_view.info("contact")
