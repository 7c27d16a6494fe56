-- Bank reconciliation setting: 'apply' records the certain matches (an invoice number or a creditor
-- reference in the transfer) at once; 'ask' proposes every match for the freelancer to confirm.
ALTER TABLE freelancers ADD COLUMN bank_matching TEXT NOT NULL DEFAULT 'apply';
