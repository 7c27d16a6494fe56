-- The reminder engine: one row per planned step, freelancer preferences, custom templates.
ALTER TABLE freelancers ADD COLUMN default_plan TEXT NOT NULL DEFAULT 'standard';
ALTER TABLE freelancers ADD COLUMN notify_mode TEXT NOT NULL DEFAULT 'each';      -- each | daily
ALTER TABLE freelancers ADD COLUMN approval_mode TEXT NOT NULL DEFAULT 'auto';    -- auto: send unless skipped; manual: only approved
ALTER TABLE freelancers ADD COLUMN digest_enabled INTEGER NOT NULL DEFAULT 1;
ALTER TABLE freelancers ADD COLUMN last_preview_on TEXT;
ALTER TABLE freelancers ADD COLUMN last_digest_on TEXT;
ALTER TABLE clients ADD COLUMN plan TEXT;                                        -- NULL: the freelancer's default

CREATE TABLE reminders (
    id            INTEGER PRIMARY KEY,
    invoice_id    INTEGER NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    step          INTEGER NOT NULL,
    offset_days   INTEGER NOT NULL,
    tone          TEXT NOT NULL,
    audience      TEXT NOT NULL CHECK (audience IN ('client', 'freelancer')),
    scheduled_at  INTEGER NOT NULL,            -- unix seconds, UTC
    status        TEXT NOT NULL DEFAULT 'planned' CHECK (status IN
                  ('planned', 'held', 'sending', 'sent', 'failed', 'skipped', 'cancelled', 'uncertain')),
    approved      INTEGER NOT NULL DEFAULT 0,
    attempts      INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT,
    channel       TEXT,
    recipient     TEXT,
    message_ids   TEXT,
    claimed_at    INTEGER,
    sent_at       INTEGER
);
-- The dispatcher's query: what is due now. Only planned rows are indexed, so the index stays small.
CREATE INDEX reminders_due ON reminders (scheduled_at) WHERE status = 'planned';
CREATE INDEX reminders_by_invoice ON reminders (invoice_id, status);

CREATE TABLE templates (
    freelancer_id  INTEGER NOT NULL REFERENCES freelancers (id) ON DELETE CASCADE,
    tone           TEXT NOT NULL,
    locale         TEXT NOT NULL,
    body           TEXT NOT NULL,
    PRIMARY KEY (freelancer_id, tone, locale)
);
