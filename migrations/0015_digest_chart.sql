-- The weekly digest can open with the ageing chart (a /settings switch, off until the freelancer turns it on).
ALTER TABLE freelancers ADD COLUMN digest_chart INTEGER NOT NULL DEFAULT 0;
