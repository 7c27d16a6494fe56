-- Telegram invitations (only the token's SHA-256 is kept) and what clients ask through the bot.
CREATE TABLE invitations (
    id            INTEGER PRIMARY KEY,
    contact_id    INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    token_sha256  TEXT NOT NULL UNIQUE,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    revoked_at    INTEGER,
    used_at       INTEGER,
    used_by_chat  INTEGER                      -- the chat the link bound; a used link binds no other
);
CREATE INDEX invitations_by_contact ON invitations (contact_id);

-- "I've paid", "I need more time" and questions, until the freelancer answers.
CREATE TABLE client_requests (
    id                INTEGER PRIMARY KEY,
    invoice_id        INTEGER NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    contact_id        INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    chat_id           INTEGER NOT NULL,        -- the client chat that asked, where answers go
    kind              TEXT NOT NULL CHECK (kind IN ('paid', 'delay', 'question')),
    status            TEXT NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'accepted', 'declined', 'expired', 'answered')),
    paid_on           TEXT,                    -- paid: the date the client gives (ISO)
    new_due_date      TEXT,                    -- delay: the date the client proposes (ISO)
    message           TEXT,                    -- delay: optional note; question: the question
    proof_file_id     TEXT,                    -- paid: Telegram file_id of a photo or PDF, if sent
    proof_is_photo    INTEGER NOT NULL DEFAULT 0,
    paused_reminders  INTEGER NOT NULL DEFAULT 0,  -- paid: this claim paused the invoice's reminders
    resume_at         INTEGER,                 -- paid: reminders resume then without an answer
    created_at        INTEGER NOT NULL,
    answered_at       INTEGER
);
CREATE INDEX client_requests_to_resume ON client_requests (resume_at) WHERE status = 'pending';
CREATE INDEX client_requests_by_invoice ON client_requests (invoice_id, kind, status);
