-- When a client answers "not yet": payment plans in instalments, promises to pay, disputes.

-- A payment plan proposed by the client or the freelancer; the other side accepts or declines it.
-- Accepted, it replaces the invoice's reminder plan: each instalment gets its own heads-up and one
-- reminder when missed. Payments are applied to the oldest instalment first: what was paid on the
-- invoice beyond `base_paid_minor` (paid before the plan) covers the instalments in order.
CREATE TABLE payment_plans (
    id               INTEGER PRIMARY KEY,
    invoice_id       INTEGER NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    proposed_by      TEXT NOT NULL CHECK (proposed_by IN ('client', 'freelancer')),
    chat_id          INTEGER,                  -- client-proposed: the client chat that asked
    status           TEXT NOT NULL DEFAULT 'proposed'
                     CHECK (status IN ('proposed', 'accepted', 'declined', 'missed', 'ended', 'withdrawn')),
    frequency        TEXT NOT NULL CHECK (frequency IN ('weekly', 'monthly')),
    base_paid_minor  INTEGER NOT NULL DEFAULT 0,
    missed_seq       INTEGER,                  -- missed: the instalment the freelancer decides about
    created_at       INTEGER NOT NULL,
    decided_at       INTEGER
);
CREATE INDEX payment_plans_by_invoice ON payment_plans (invoice_id, status);

CREATE TABLE instalments (
    id            INTEGER PRIMARY KEY,
    plan_id       INTEGER NOT NULL REFERENCES payment_plans (id) ON DELETE CASCADE,
    seq           INTEGER NOT NULL,            -- 1…n
    due_date      TEXT NOT NULL,               -- ISO date
    amount_minor  INTEGER NOT NULL,
    UNIQUE (plan_id, seq)
);

-- A planned reminder about one instalment (NULL: about the whole invoice).
ALTER TABLE reminders ADD COLUMN instalment_id INTEGER;

-- Promises to pay come from the courtesy call, from the client's "I'll pay on…", or from the
-- freelancer after a call. `kept`: NULL while the date has not passed, then 1 kept, 0 broken.
ALTER TABLE call_outcomes ADD COLUMN source TEXT NOT NULL DEFAULT 'call';
ALTER TABLE call_outcomes ADD COLUMN kept INTEGER;

-- A client disputes an invoice: reminders stop at once (`invoices.disputed`) until it is resolved.
CREATE TABLE disputes (
    id              INTEGER PRIMARY KEY,
    invoice_id      INTEGER NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    contact_id      INTEGER REFERENCES contacts (id) ON DELETE SET NULL,
    chat_id         INTEGER,                   -- the client chat that disputed, where answers go
    reason          TEXT NOT NULL CHECK (reason IN ('amount', 'not_delivered', 'already_paid', 'other')),
    details         TEXT,
    file_id         TEXT,                      -- an attachment (Telegram file_id), if sent
    file_is_photo   INTEGER NOT NULL DEFAULT 0,
    status          TEXT NOT NULL DEFAULT 'open'
                    CHECK (status IN ('open', 'corrected', 'resumed', 'cancelled')),
    resolution      TEXT,                      -- the freelancer's explanation, or the correction made
    created_at      INTEGER NOT NULL,
    resolved_at     INTEGER
);
CREATE INDEX disputes_by_invoice ON disputes (invoice_id, status);
ALTER TABLE invoices ADD COLUMN disputed INTEGER NOT NULL DEFAULT 0;
