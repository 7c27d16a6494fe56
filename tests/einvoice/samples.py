"""Real-shaped e-invoices for the tests: CII XML written here per Factur-X profile (MINIMUM, BASIC,
EN16931), UBL 2.1 XML, and Factur-X PDFs built from them with the `factur-x` library on an fpdf2 page.

Identifiers are real-looking and valid: SIREN 732829320 / SIRET 73282932000074 (check digits right),
VAT FR44732829320, IBAN FR7630006000011234567890189.
"""

from __future__ import annotations

from facturx import generate_from_binary
from fpdf import FPDF

BUYER_SIREN = "732829320"
BUYER_SIRET = "73282932000074"
BUYER_VAT = "FR44732829320"
SELLER_IBAN = "FR7630006000011234567890189"
GUIDELINES = {
    "minimum": "urn:factur-x.eu:1p0:minimum",
    "basic": "urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic",
    "en16931": "urn:cen.eu:en16931:2017",
}
_NAMESPACES = (
    'xmlns:qdt="urn:un:unece:uncefact:data:standard:QualifiedDataType:100" '
    'xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100" '
    'xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" '
    'xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"'
)


def _date(value: str) -> str:
    return f'<udt:DateTimeString format="102">{value}</udt:DateTimeString>'


def cii_xml(
    profile: str = "en16931",
    *,
    number: str = "F-2026-101",
    issued: str = "20261115",
    due: str | None = "20261215",
    buyer: str = "Société Générale d'Études SAS",
    email: str | None = "compta@etudes.example",
    siret: str | None = BUYER_SIRET,
    vat: str | None = BUYER_VAT,
    iban: str | None = SELLER_IBAN,
    terms: str | None = "Paiement à 30 jours",
    net: str = "1000.00",
    tax: str = "200.00",
    grand: str = "1200.00",
    prepaid: str | None = None,
    payable: str | None = None,
    currency: str = "EUR",
    type_code: str = "380",
) -> bytes:
    """A CII invoice as a Factur-X tool writes it for `profile`; MINIMUM carries no lines, terms or IBAN."""
    full = profile != "minimum"
    lines = ""
    if full:
        lines = f"""
    <ram:IncludedSupplyChainTradeLineItem>
      <ram:AssociatedDocumentLineDocument><ram:LineID>1</ram:LineID></ram:AssociatedDocumentLineDocument>
      <ram:SpecifiedTradeProduct><ram:Name>Refonte du site, phase 1</ram:Name></ram:SpecifiedTradeProduct>
      <ram:SpecifiedLineTradeAgreement>
        <ram:NetPriceProductTradePrice><ram:ChargeAmount>{net}</ram:ChargeAmount></ram:NetPriceProductTradePrice>
      </ram:SpecifiedLineTradeAgreement>
      <ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode="C62">1</ram:BilledQuantity></ram:SpecifiedLineTradeDelivery>
      <ram:SpecifiedLineTradeSettlement>
        <ram:ApplicableTradeTax><ram:TypeCode>VAT</ram:TypeCode><ram:CategoryCode>S</ram:CategoryCode><ram:RateApplicablePercent>20</ram:RateApplicablePercent></ram:ApplicableTradeTax>
        <ram:SpecifiedTradeSettlementLineMonetarySummation><ram:LineTotalAmount>{net}</ram:LineTotalAmount></ram:SpecifiedTradeSettlementLineMonetarySummation>
      </ram:SpecifiedLineTradeSettlement>
    </ram:IncludedSupplyChainTradeLineItem>"""
    buyer_ids = (
        f'<ram:SpecifiedLegalOrganization><ram:ID schemeID="0009">{siret}</ram:ID></ram:SpecifiedLegalOrganization>'
        if siret
        else ""
    )
    contact = ""
    if email and profile == "en16931":
        contact = f"<ram:DefinedTradeContact><ram:PersonName>Service comptable</ram:PersonName><ram:EmailURIUniversalCommunication><ram:URIID>{email}</ram:URIID></ram:EmailURIUniversalCommunication></ram:DefinedTradeContact>"
    address = (
        "<ram:PostalTradeAddress><ram:PostcodeCode>75009</ram:PostcodeCode><ram:LineOne>29 boulevard Haussmann</ram:LineOne><ram:CityName>Paris</ram:CityName><ram:CountryID>FR</ram:CountryID></ram:PostalTradeAddress>"
        if full
        else ""
    )
    uri = (
        f'<ram:URIUniversalCommunication><ram:URIID schemeID="EM">{email}</ram:URIID></ram:URIUniversalCommunication>'
        if email and profile == "basic"
        else ""
    )
    buyer_vat = (
        f'<ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">{vat}</ram:ID></ram:SpecifiedTaxRegistration>'
        if vat and full
        else ""
    )
    means = (
        f"<ram:SpecifiedTradeSettlementPaymentMeans><ram:TypeCode>58</ram:TypeCode><ram:PayeePartyCreditorFinancialAccount><ram:IBANID>{iban}</ram:IBANID></ram:PayeePartyCreditorFinancialAccount></ram:SpecifiedTradeSettlementPaymentMeans>"
        if iban and full
        else ""
    )
    header_tax = (
        f"<ram:ApplicableTradeTax><ram:CalculatedAmount>{tax}</ram:CalculatedAmount><ram:TypeCode>VAT</ram:TypeCode><ram:BasisAmount>{net}</ram:BasisAmount><ram:CategoryCode>S</ram:CategoryCode><ram:RateApplicablePercent>20</ram:RateApplicablePercent></ram:ApplicableTradeTax>"
        if full
        else ""
    )
    payment_terms = ""
    if full and (terms or due):
        payment_terms = (
            "<ram:SpecifiedTradePaymentTerms>"
            + (f"<ram:Description>{terms}</ram:Description>" if terms else "")
            + (f"<ram:DueDateDateTime>{_date(due)}</ram:DueDateDateTime>" if due else "")
            + "</ram:SpecifiedTradePaymentTerms>"
        )
    line_total = f"<ram:LineTotalAmount>{net}</ram:LineTotalAmount>" if full else ""
    prepaid_xml = f"<ram:TotalPrepaidAmount>{prepaid}</ram:TotalPrepaidAmount>" if prepaid else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice {_NAMESPACES}>
  <rsm:ExchangedDocumentContext>
    <ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>{GUIDELINES[profile]}</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter>
  </rsm:ExchangedDocumentContext>
  <rsm:ExchangedDocument>
    <ram:ID>{number}</ram:ID>
    <ram:TypeCode>{type_code}</ram:TypeCode>
    <ram:IssueDateTime>{_date(issued)}</ram:IssueDateTime>
  </rsm:ExchangedDocument>
  <rsm:SupplyChainTradeTransaction>{lines}
    <ram:ApplicableHeaderTradeAgreement>
      <ram:SellerTradeParty>
        <ram:Name>Claire Martin Design</ram:Name>
        <ram:SpecifiedLegalOrganization><ram:ID schemeID="0002">542051180</ram:ID></ram:SpecifiedLegalOrganization>
        <ram:PostalTradeAddress><ram:CountryID>FR</ram:CountryID></ram:PostalTradeAddress>
        <ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">FR40542051180</ram:ID></ram:SpecifiedTaxRegistration>
      </ram:SellerTradeParty>
      <ram:BuyerTradeParty>
        <ram:Name>{buyer}</ram:Name>{buyer_ids}{contact}{address}{uri}{buyer_vat}
      </ram:BuyerTradeParty>
    </ram:ApplicableHeaderTradeAgreement>
    <ram:ApplicableHeaderTradeDelivery/>
    <ram:ApplicableHeaderTradeSettlement>
      <ram:InvoiceCurrencyCode>{currency}</ram:InvoiceCurrencyCode>{means}{header_tax}{payment_terms}
      <ram:SpecifiedTradeSettlementHeaderMonetarySummation>{line_total}
        <ram:TaxBasisTotalAmount>{net}</ram:TaxBasisTotalAmount>
        <ram:TaxTotalAmount currencyID="{currency}">{tax}</ram:TaxTotalAmount>
        <ram:GrandTotalAmount>{grand}</ram:GrandTotalAmount>{prepaid_xml}
        <ram:DuePayableAmount>{payable or grand}</ram:DuePayableAmount>
      </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
    </ram:ApplicableHeaderTradeSettlement>
  </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>
""".encode()


def ubl_xml(
    *,
    number: str = "INV-2026-042",
    issued: str = "2026-11-20",
    due: str | None = "2026-12-20",
    buyer: str = "Müller &amp; Söhne GmbH",
    email: str | None = "buchhaltung@mueller.example",
    vat: str | None = "DE136695976",
    siren: str | None = None,
    iban: str | None = SELLER_IBAN,
    terms: str | None = "Zahlbar innerhalb 30 Tagen",
    total: str = "2380.00",
    prepaid: str | None = None,
    payable: str | None = None,
    currency: str = "EUR",
    root: str = "Invoice",
) -> bytes:
    """A UBL 2.1 invoice (Peppol BIS Billing 3.0 shape)."""
    ns = "CreditNote" if root == "CreditNote" else "Invoice"
    legal = f'<cbc:CompanyID schemeID="0002">{siren}</cbc:CompanyID>' if siren else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<{root} xmlns="urn:oasis:names:specification:ubl:schema:xsd:{ns}-2"
  xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
  xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0</cbc:CustomizationID>
  <cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</cbc:ProfileID>
  <cbc:ID>{number}</cbc:ID>
  <cbc:IssueDate>{issued}</cbc:IssueDate>
  {f"<cbc:DueDate>{due}</cbc:DueDate>" if due else ""}
  <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
  <cbc:DocumentCurrencyCode>{currency}</cbc:DocumentCurrencyCode>
  <cac:AccountingSupplierParty><cac:Party>
    <cac:PartyName><cbc:Name>Claire Martin Design</cbc:Name></cac:PartyName>
    <cac:PartyLegalEntity><cbc:RegistrationName>Claire Martin Design</cbc:RegistrationName></cac:PartyLegalEntity>
  </cac:Party></cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty><cac:Party>
    {f'<cbc:EndpointID schemeID="EM">{email}</cbc:EndpointID>' if email else ""}
    <cac:PartyName><cbc:Name>{buyer}</cbc:Name></cac:PartyName>
    {f"<cac:PartyTaxScheme><cbc:CompanyID>{vat}</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>" if vat else ""}
    <cac:PartyLegalEntity><cbc:RegistrationName>{buyer}</cbc:RegistrationName>{legal}</cac:PartyLegalEntity>
    {f"<cac:Contact><cbc:ElectronicMail>{email}</cbc:ElectronicMail></cac:Contact>" if email else ""}
  </cac:Party></cac:AccountingCustomerParty>
  <cac:PaymentMeans>
    <cbc:PaymentMeansCode>58</cbc:PaymentMeansCode>
    {f"<cac:PayeeFinancialAccount><cbc:ID>{iban}</cbc:ID></cac:PayeeFinancialAccount>" if iban else ""}
  </cac:PaymentMeans>
  {f"<cac:PaymentTerms><cbc:Note>{terms}</cbc:Note></cac:PaymentTerms>" if terms else ""}
  <cac:LegalMonetaryTotal>
    <cbc:LineExtensionAmount currencyID="{currency}">2000.00</cbc:LineExtensionAmount>
    <cbc:TaxExclusiveAmount currencyID="{currency}">2000.00</cbc:TaxExclusiveAmount>
    <cbc:TaxInclusiveAmount currencyID="{currency}">{total}</cbc:TaxInclusiveAmount>
    {f'<cbc:PrepaidAmount currencyID="{currency}">{prepaid}</cbc:PrepaidAmount>' if prepaid else ""}
    <cbc:PayableAmount currencyID="{currency}">{payable or total}</cbc:PayableAmount>
  </cac:LegalMonetaryTotal>
</{root}>
""".encode()


def base_pdf(lines: list[str]) -> bytes:
    """The visible invoice: one A4 page of text, as an invoicing tool would lay it out (fpdf2)."""
    pdf = FPDF()
    pdf.core_fonts_encoding = "windows-1252"  # so that € prints with the core Helvetica
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    for line in lines:
        pdf.cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def facturx_pdf(xml: bytes, lines: list[str] | None = None) -> bytes:
    """A Factur-X PDF: the page above with `xml` embedded by the factur-x library (checked against its XSD)."""
    page = base_pdf(lines or ["Claire Martin Design", "Facture F-2026-101", "Total TTC : 1 200,00 EUR"])
    return bytes(generate_from_binary(page, xml, check_xsd=True))
