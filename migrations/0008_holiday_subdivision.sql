-- The region whose public holidays apply on top of the country's (CA-QC, AU-NSW, CH-ZH, FR-57...).
-- NULL: the country's national holidays only.
ALTER TABLE freelancers ADD COLUMN holiday_subdivision TEXT;

-- Freelancers in Montréal used to keep France's holidays: America/Montreal was not mapped to Canada.
UPDATE freelancers SET country = 'CA', holiday_subdivision = 'QC'
WHERE timezone = 'America/Montreal' AND country = 'FR';
