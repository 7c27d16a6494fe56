-- Bank reconciliation: imported statements, their credit lines (one per bank movement, never twice),
-- the payments an applied line recorded (payments.bank_line_id, so it can be undone), and the CSV layouts
-- the freelancer confirmed.
CREATE TABLE bank_imports (
    id             INTEGER PRIMARY KEY,
    freelancer_id  INTEGER NOT NULL REFERENCES freelancers (id) ON DELETE CASCADE,
    file_name      TEXT NOT NULL,
    format         TEXT NOT NULL,
    bank           TEXT,
    lines_read     INTEGER NOT NULL,
    credits        INTEGER NOT NULL,
    created_at     INTEGER NOT NULL
);
CREATE INDEX bank_imports_by_freelancer ON bank_imports (freelancer_id, created_at);

CREATE TABLE bank_lines (
    id              INTEGER PRIMARY KEY,
    freelancer_id   INTEGER NOT NULL REFERENCES freelancers (id) ON DELETE CASCADE,
    import_id       INTEGER NOT NULL REFERENCES bank_imports (id) ON DELETE CASCADE,
    line_key        TEXT NOT NULL,             -- the bank's transaction id, else a hash of the line
    transaction_id  TEXT,
    booking_date    TEXT NOT NULL,             -- ISO date
    amount_minor    INTEGER NOT NULL,
    currency        TEXT NOT NULL,
    counterparty    TEXT NOT NULL DEFAULT '',
    remittance      TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL CHECK (status IN ('applied', 'to_confirm', 'unmatched', 'ignored')),
    proposals       TEXT,                      -- JSON: ranked candidates [[score, [[invoice_id, amount], ...]], ...]
    created_at      INTEGER NOT NULL,
    UNIQUE (freelancer_id, line_key)
);
CREATE INDEX bank_lines_by_status ON bank_lines (freelancer_id, status, booking_date);

ALTER TABLE payments ADD COLUMN bank_line_id INTEGER REFERENCES bank_lines (id) ON DELETE SET NULL;
CREATE INDEX payments_by_bank_line ON payments (bank_line_id);

CREATE TABLE bank_csv_mappings (
    freelancer_id  INTEGER NOT NULL REFERENCES freelancers (id) ON DELETE CASCADE,
    header_key     TEXT NOT NULL,              -- hash of the CSV header (one bank's layout)
    mapping        TEXT NOT NULL,              -- JSON: column names per role
    created_at     INTEGER NOT NULL,
    PRIMARY KEY (freelancer_id, header_key)
);
