-- A client's legal identifiers, as an e-invoice gives them (checked with python-stdnum before they are
-- stored): SIREN (9 digits), SIRET (14 digits) and the intra-EU VAT number. NULL: not known.
ALTER TABLE clients ADD COLUMN siren TEXT;
ALTER TABLE clients ADD COLUMN siret TEXT;
ALTER TABLE clients ADD COLUMN vat_number TEXT;
