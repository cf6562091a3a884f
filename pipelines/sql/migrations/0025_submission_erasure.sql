-- When the name and contact a member of the public gave with a question were erased: on their request
-- (`pccdash inbox forget`), or once kept for the retention period after the question was answered or rejected
-- (PCCDASH_CONTACT_RETENTION_MONTHS). The question, as written, and what became of it stay; who erased them and why
-- is on the audit trail. NULL while they are kept, or when none was given.
ALTER TABLE public_submission ADD COLUMN erased_at TIMESTAMP;
