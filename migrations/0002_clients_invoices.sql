-- Clients, their contacts, invoices and payments.
CREATE TABLE clients (
    id             INTEGER PRIMARY KEY,
    freelancer_id  INTEGER NOT NULL REFERENCES freelancers (id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    language       TEXT,                       -- NULL: the freelancer's language
    is_b2b         INTEGER NOT NULL DEFAULT 1,
    notes          TEXT,
    created_at     INTEGER NOT NULL,
    last_used_at   INTEGER NOT NULL
);
CREATE INDEX clients_by_freelancer ON clients (freelancer_id, last_used_at DESC);

CREATE TABLE contacts (
    id                INTEGER PRIMARY KEY,
    client_id         INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    name              TEXT NOT NULL DEFAULT '',
    email             TEXT,
    telegram_chat_id  INTEGER,                 -- bound through an invitation link
    remind            INTEGER NOT NULL DEFAULT 1,
    created_at        INTEGER NOT NULL
);
CREATE INDEX contacts_by_client ON contacts (client_id);

CREATE TABLE invoices (
    id                 INTEGER PRIMARY KEY,
    freelancer_id      INTEGER NOT NULL REFERENCES freelancers (id) ON DELETE CASCADE,
    client_id          INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    number             TEXT NOT NULL,
    amount_minor       INTEGER NOT NULL CHECK (amount_minor > 0),
    currency           TEXT NOT NULL,
    issue_date         TEXT NOT NULL,          -- ISO date, local to the freelancer
    due_date           TEXT NOT NULL,
    description        TEXT,
    file_id            TEXT,                   -- Telegram file_id of the invoice PDF or photo
    file_name          TEXT,
    status             TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'paid', 'cancelled')),
    reminders_enabled  INTEGER NOT NULL DEFAULT 0,
    reminders_paused   INTEGER NOT NULL DEFAULT 0,
    plan               TEXT,                   -- NULL: the client's or freelancer's default plan
    created_at         INTEGER NOT NULL,
    UNIQUE (freelancer_id, number)
);
CREATE INDEX invoices_by_status_due ON invoices (freelancer_id, status, due_date);
CREATE INDEX invoices_by_client ON invoices (client_id, status);

CREATE TABLE payments (
    id            INTEGER PRIMARY KEY,
    invoice_id    INTEGER NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    amount_minor  INTEGER NOT NULL CHECK (amount_minor > 0),
    paid_on       TEXT NOT NULL,               -- ISO date
    created_at    INTEGER NOT NULL
);
CREATE INDEX payments_by_invoice ON payments (invoice_id);
