-- Freelancers: the people who talk to the bot and own everything else.
CREATE TABLE freelancers (
    id                INTEGER PRIMARY KEY,
    telegram_user_id  INTEGER NOT NULL UNIQUE,
    display_name      TEXT NOT NULL DEFAULT '',
    business_name     TEXT,
    reply_to_email    TEXT,
    language          TEXT NOT NULL,
    timezone          TEXT NOT NULL,
    country           TEXT NOT NULL DEFAULT 'FR',
    default_currency  TEXT NOT NULL DEFAULT 'EUR',
    payment_term_days INTEGER NOT NULL DEFAULT 30,
    iban              TEXT,
    bic               TEXT,
    payment_link      TEXT,
    send_time         TEXT NOT NULL DEFAULT '09:30',
    onboarded         INTEGER NOT NULL DEFAULT 0,
    created_at        INTEGER NOT NULL
);

-- PTB conversation states and per-user drafts, so that a half-finished conversation survives a restart.
CREATE TABLE conversation_state (
    name   TEXT NOT NULL,
    key    TEXT NOT NULL,
    state  TEXT NOT NULL,
    PRIMARY KEY (name, key)
);

CREATE TABLE user_state (
    user_id INTEGER PRIMARY KEY,
    data    TEXT NOT NULL
);
