"""Report a concern about a child (public): who to call, and where victims and survivors find support.

Every word is decided by `pipelines.publish.info` (the static site's page too)."""

from dashboard import public_view

public_view.info("report-a-concern")
