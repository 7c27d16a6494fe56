-- Postal addresses (printed on the formal notice letter), an optional phone per client contact (E.164),
-- and the formal notices drafted for an invoice (they show in its history).
ALTER TABLE freelancers ADD COLUMN postal_address TEXT;            -- lines separated by LF; NULL: not set
ALTER TABLE clients ADD COLUMN postal_address TEXT;
ALTER TABLE contacts ADD COLUMN phone TEXT;                        -- E.164, for example +33612345678

CREATE TABLE formal_notices (
    id             INTEGER PRIMARY KEY,
    invoice_id     INTEGER NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    letter_date    TEXT NOT NULL,              -- ISO date, local to the freelancer
    deadline_days  INTEGER NOT NULL,
    language       TEXT NOT NULL,
    amount_minor   INTEGER NOT NULL,           -- the amount claimed (still due) when it was drafted
    created_at     INTEGER NOT NULL,
    emailed_to     TEXT,
    emailed_at     INTEGER
);
CREATE INDEX formal_notices_by_invoice ON formal_notices (invoice_id, created_at);
