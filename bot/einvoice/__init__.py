"""Invoices issued elsewhere: e-invoices (Factur-X / ZUGFeRD PDFs, CII and UBL 2.1 XML) read exactly, and CSV
exports of invoicing tools imported in bulk.

xml / facturx / csv_invoices are pure (bytes in, dataclasses out, no I/O); service writes through storage.
"""
