-- Late-payment amounts (bot/domain/penalties.py).
-- Reference rates the operator adds (`relance rates add 2027-01-01 2.15`), merged with the table shipped in
-- bot/domain/data/ecb_mro.tsv (an added rate wins for its half-year).
CREATE TABLE penalty_rates (
    half_year_start TEXT NOT NULL PRIMARY KEY,   -- ISO date: 1 January or 1 July
    rate_bp         INTEGER NOT NULL,            -- ECB MRO rate in force that day, basis points (215 = 2.15 %)
    created_at      INTEGER NOT NULL
);

-- The freelancer's terms: "my terms state late penalties" (off until turned on), an optional contractual
-- rate replacing the statutory one, and an optional fixed admin fee once an invoice is N days late.
ALTER TABLE freelancers ADD COLUMN late_penalties INTEGER NOT NULL DEFAULT 0;
ALTER TABLE freelancers ADD COLUMN contractual_rate_bp INTEGER;     -- NULL: the statutory rate
ALTER TABLE freelancers ADD COLUMN admin_fee_minor INTEGER;         -- NULL: no admin fee
ALTER TABLE freelancers ADD COLUMN admin_fee_currency TEXT;         -- ISO 4217, the fee's currency
ALTER TABLE freelancers ADD COLUMN admin_fee_days INTEGER;          -- due once the invoice is this many days late
