-- What the freelancer's courtesy call gave (the CALL step of a plan): a promised date, no answer, or paid.
-- A promise pauses the invoice's reminders until the day after the promised date (`resume_at`); the
-- reminder job resumes them then, once (it clears `resume_at` when it does). They show in the history.
CREATE TABLE call_outcomes (
    id           INTEGER PRIMARY KEY,
    invoice_id   INTEGER NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    outcome      TEXT NOT NULL CHECK (outcome IN ('promised', 'no_answer', 'paid')),
    promised_on  TEXT,                         -- promised: the date the client gave (ISO)
    resume_at    INTEGER,                      -- promised: reminders resume then (unix seconds); NULL once done
    created_at   INTEGER NOT NULL
);
CREATE INDEX call_outcomes_by_invoice ON call_outcomes (invoice_id, created_at);
CREATE INDEX call_outcomes_to_resume ON call_outcomes (resume_at) WHERE resume_at IS NOT NULL;
