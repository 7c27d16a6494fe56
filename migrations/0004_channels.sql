-- Client channels: how each contact is reminded, Telegram reachability, e-mail threading, copy to self.
ALTER TABLE contacts ADD COLUMN channel TEXT NOT NULL DEFAULT 'auto'
    CHECK (channel IN ('auto', 'telegram', 'email', 'both'));      -- auto: Telegram when linked, else e-mail
ALTER TABLE contacts ADD COLUMN telegram_status TEXT
    CHECK (telegram_status IN ('blocked', 'off'));                  -- NULL: reachable when linked
ALTER TABLE invoices ADD COLUMN thread_token TEXT;                  -- random part of the e-mail thread id, set lazily
ALTER TABLE freelancers ADD COLUMN copy_me INTEGER NOT NULL DEFAULT 0;  -- Cc the freelancer on reminder e-mails
