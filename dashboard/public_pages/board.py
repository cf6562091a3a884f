"""Questions and decisions (public): the questions put to the force at the Public Accountability Board, its
answers, the Commissioner's assurance decisions and the recommendations' progress, as the Commissioner approved
them for publication, with the record as CSV (`pipelines.publish.pages.board_page` decides every word, as it does
for the static site's page)."""

from dashboard import public_data, public_view

public_view.show(public_data.page("pipelines.publish.pages.board_page", True))  # with a link to the Ask page
