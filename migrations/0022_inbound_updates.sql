-- Webhook mode with several workers: every update is written here by the worker that received it,
-- before Telegram gets its 200, and deleted once handled. A worker handles a user's update only
-- when it is that user's oldest one still here, so a user's messages keep their order whichever
-- worker each one reached. A row older than a few seconds is a dead worker's and is skipped.
CREATE TABLE inbound_updates (
    update_id    INTEGER NOT NULL,
    user_key     INTEGER NOT NULL,             -- the Telegram user (or chat) the update is from
    received_at  INTEGER NOT NULL,             -- unix milliseconds
    PRIMARY KEY (update_id)
);
CREATE INDEX inbound_updates_by_user ON inbound_updates (user_key, update_id);
