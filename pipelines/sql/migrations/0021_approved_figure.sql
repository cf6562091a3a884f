-- Each approved month's figures as they stood at the month's approval in force: the latest revision loaded by
-- then, with the file it came from, when it was loaded and when the month was approved. What a publication carries
-- (pipelines/publish/snapshot.py), and what an analyst's flag on the public side is judged against.
CREATE VIEW approved_figure AS
SELECT r.period, r.district, r.measure, r.value, r.revision, r.file_id, r.loaded_at, s.approved_at
FROM figure_revision r
JOIN period_status s ON s.period = r.period AND r.loaded_at <= s.approved_at
QUALIFY r.revision = max(r.revision) OVER (PARTITION BY r.period, r.district, r.measure);
