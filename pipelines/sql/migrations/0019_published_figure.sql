-- The figures the public reads now: for each month the current snapshot carries, each figure as it stood at the
-- approval that snapshot was made from (the latest approval before it was written). A correction loaded after a
-- publication is compared with these, not with the warehouse's figure now, which an earlier correction not yet
-- published may already have changed.
CREATE VIEW published_figure AS
SELECT r.period, r.district, r.measure, r.value
FROM figure_revision r
JOIN (SELECT s.period, max(e.acted_at) AS approved_at
      FROM period_status s
      JOIN snapshot n ON n.version = s.snapshot_version
      JOIN publication_event e ON e.period = s.period AND e.action = 'approved' AND e.acted_at <= n.created_at
      GROUP BY s.period) a ON a.period = r.period AND r.loaded_at <= a.approved_at
QUALIFY r.revision = max(r.revision) OVER (PARTITION BY r.period, r.district, r.measure);
