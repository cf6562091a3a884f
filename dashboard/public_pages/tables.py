"""Public tables: each published period by area, the revisions and withdrawals, and the downloads.

What the page says is decided by `pipelines.publish.pages.tables_page` (the static site's tables page too);
its download links become download buttons serving the same files.
"""

from dashboard import public_data, public_view

public_view.show(public_data.page("pipelines.publish.pages.tables_page"))
