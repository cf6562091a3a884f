-- When the words of a rejected question from the public were erased: once kept for the retention period after it was
-- rejected (PCCDASH_CONTACT_RETENTION_MONTHS), or sooner on its sender's request (`pccdash inbox forget`). A rejected
-- question is never put or published, and its words may name a child, a school or a street: they are kept no longer
-- than its sender's name and contact. Its body is then empty; that it was received and rejected, when and why, and
-- its reference stay. NULL while they are kept, and always for a question accepted (its words are the record).
ALTER TABLE public_submission ADD COLUMN words_erased_at TIMESTAMP;
