"""CII (Factur-X, ZUGFeRD 2.x, XRechnung CII) and UBL 2.1 invoices → `EInvoice`.

Parsed with defusedxml: a DTD, an entity or an external reference is refused, never resolved. Only the
few elements a reminder needs are read (EN 16931 business terms in brackets):
number (BT-1), issue date (BT-2), due date (BT-9), payment terms (BT-20), currency (BT-5), amount due
(BT-115: after prepayments, not the grand total BT-112), buyer name (BT-44), e-mail (BT-49 / BT-58),
legal ids (BT-47 SIREN/SIRET, BT-48 VAT), the seller's IBAN (BT-84).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from stdnum import iban as stdnum_iban
from stdnum.eu import vat as eu_vat
from stdnum.fr import siren as fr_siren
from stdnum.fr import siret as fr_siret

from bot.domain.money import Money, currency_decimals, is_known_currency
from bot.einvoice.model import EInvoice, EInvoiceError, LegalIds
from bot.i18n import N_

MAX_XML_BYTES = 5 * 1024 * 1024
RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
UBL_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
UBL_CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
NS = {"rsm": RSM, "ram": RAM, "udt": UDT, "cac": CAC, "cbc": CBC}
ZUGFERD_1 = "urn:ferd:CrossIndustryDocument:invoice:1p0"
CREDIT_NOTE_CODES = {"381", "396", "532"}  # UNTDID 1001: credit note, factored credit note, forwarder's
_PROFILES = ("minimum", "basicwl", "basic", "extended", "xrechnung", "peppol")  # BASIC WL before BASIC


def looks_like_einvoice(data: bytes) -> bool:
    """Whether bytes claim to be a CII or UBL invoice (even a broken one): the root names are looked for."""
    head = data[:8192]
    return (
        b"CrossIndustryInvoice" in head
        or b"ubl:schema:xsd:Invoice-2" in head
        or (b"ubl:schema:xsd:CreditNote-2" in head)
    )


def parse_einvoice_xml(data: bytes) -> EInvoice:
    """Read a CII or UBL 2.1 invoice; EInvoiceError (in plain words) for anything else or anything broken."""
    if len(data) > MAX_XML_BYTES:
        raise EInvoiceError(N_("the XML is larger than {size} MB"), size=MAX_XML_BYTES // 2**20)
    try:
        root = fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise EInvoiceError(
            N_("the XML declares a DTD or entities, which I never read (for safety)")
        ) from None
    except (ParseError, ValueError) as exc:
        raise EInvoiceError(N_("the XML is malformed ({detail})"), detail=str(exc)[:120]) from None
    if root.tag == f"{{{RSM}}}CrossIndustryInvoice":
        return _cii(root)
    if root.tag == f"{{{UBL_INVOICE}}}Invoice":
        return _ubl(root)
    if root.tag == f"{{{UBL_CREDIT_NOTE}}}CreditNote":
        raise EInvoiceError(N_("this is a credit note, not an invoice: there is nothing to chase"))
    if root.tag.startswith(f"{{{ZUGFERD_1}}}"):
        raise EInvoiceError(
            N_("this is a ZUGFeRD 1.0 invoice, which I cannot read; version 2 (Factur-X) I can")
        )
    raise EInvoiceError(N_("this XML is not an invoice in CII (Factur-X, ZUGFeRD) or UBL 2.1"))


# Shared ------------------------------------------------------------------------------------------------
def _text(node: Element | None, path: str) -> str | None:
    found = node.find(path, NS) if node is not None else None
    text = " ".join((found.text or "").split()) if found is not None else ""
    return text or None


def _profile(identifier: str | None) -> str | None:
    if not identifier:
        return None
    lowered = identifier.lower()
    found = next((name for name in _PROFILES if name in lowered), None)
    return found or ("en16931" if "en16931" in lowered else None)


def _amount(nodes: list[Element], currency: str, element: str) -> Money | None:
    """The amount in the invoice currency (CII may repeat it in the tax currency, with a currencyID)."""
    for node in nodes:
        given = node.get("currencyID")
        if given and given.upper() != currency:
            continue
        text = (node.text or "").strip()
        try:
            return Money.from_decimal(
                Decimal(text).quantize(Decimal(1).scaleb(-currency_decimals(currency))), currency
            )
        except (InvalidOperation, ValueError):
            raise EInvoiceError(
                N_("{value!r} in {element} is not an amount"), value=text[:40], element=element
            ) from None
    return None


def _currency(code: str | None) -> str:
    currency = (code or "").strip().upper()
    if not currency:
        raise EInvoiceError(N_("the invoice does not say its currency"))
    if not is_known_currency(currency):
        raise EInvoiceError(N_("unknown currency {currency!r}"), currency=currency[:12])
    return currency


def _date(text: str | None, fmt: str, element: str) -> date | None:
    if not text:
        return None
    try:
        return datetime.strptime(text.strip()[:10], fmt).date()
    except ValueError:
        raise EInvoiceError(
            N_("{value!r} in {element} is not a date"), value=text[:40], element=element
        ) from None


def _legal_ids(candidates: list[tuple[str | None, str]]) -> tuple[LegalIds, tuple[str, ...]]:
    """(scheme, value) pairs → checked SIREN, SIRET and VAT; what fails its check is returned apart.

    Schemes (ISO 6523 ICD): 0002 SIREN, 0009 SIRET; "VA" (CII) or a tax scheme (UBL) for VAT."""
    siren = siret = vat = None
    invalid: list[str] = []
    for scheme, raw in candidates:
        value = raw.strip()
        digits = re.sub(r"[\s.]", "", value)
        if scheme == "VA" or re.match(r"^[A-Za-z]{2}", digits):
            if eu_vat.is_valid(digits):
                vat = vat or eu_vat.compact(digits)
            else:
                invalid.append(value)
        elif scheme == "0009" or (scheme in (None, "", "0002") and len(digits) == 14):
            if fr_siret.is_valid(digits):
                siret = siret or fr_siret.compact(digits)
                siren = siren or siret[:9]
            else:
                invalid.append(value)
        elif scheme in (None, "", "0002") and len(digits) == 9:
            if fr_siren.is_valid(digits):
                siren = siren or fr_siren.compact(digits)
            else:
                invalid.append(value)
    return LegalIds(siren, siret, vat), tuple(invalid)


def _iban(text: str | None) -> str | None:
    if not text:
        return None
    compact = stdnum_iban.compact(text)
    return compact if stdnum_iban.is_valid(compact) else None


def _email(text: str | None) -> str | None:
    if not text:
        return None
    value = text.strip().removeprefix("mailto:")
    return value if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value) and len(value) <= 254 else None


# CII ---------------------------------------------------------------------------------------------------
def _cii_date(node: Element | None, element: str) -> date | None:
    if node is None:
        return None
    stamp = node.find("udt:DateTimeString", NS)
    if stamp is None or not (stamp.text or "").strip():
        return None
    fmt = stamp.get("format") or "102"
    if fmt != "102":
        raise EInvoiceError(N_("the date format {format!r} in {element} is not supported (102 is)"),
                            format=fmt, element=element)  # fmt: skip
    return _date(stamp.text, "%Y%m%d", element)


def _cii(root: Element) -> EInvoice:
    document = root.find("rsm:ExchangedDocument", NS)
    if _text(document, "ram:TypeCode") in CREDIT_NOTE_CODES:
        raise EInvoiceError(N_("this is a credit note, not an invoice: there is nothing to chase"))
    transaction = root.find("rsm:SupplyChainTradeTransaction", NS)
    agreement = (
        transaction.find("ram:ApplicableHeaderTradeAgreement", NS) if transaction is not None else None
    )
    settlement = (
        transaction.find("ram:ApplicableHeaderTradeSettlement", NS) if transaction is not None else None
    )
    if document is None or settlement is None:
        raise EInvoiceError(N_("the invoice has no {element} element"),
                            element="ExchangedDocument" if document is None else "ApplicableHeaderTradeSettlement")  # fmt: skip
    currency = _currency(_text(settlement, "ram:InvoiceCurrencyCode"))
    totals = settlement.find("ram:SpecifiedTradeSettlementHeaderMonetarySummation", NS)
    grand = _amount(totals.findall("ram:GrandTotalAmount", NS) if totals is not None else [], currency,
                    "GrandTotalAmount")  # fmt: skip
    due_payable = _amount(totals.findall("ram:DuePayableAmount", NS) if totals is not None else [], currency,
                          "DuePayableAmount")  # fmt: skip
    terms = settlement.findall("ram:SpecifiedTradePaymentTerms", NS)
    due = next(
        (d for t in terms if (d := _cii_date(t.find("ram:DueDateDateTime", NS), "DueDateDateTime"))), None
    )
    terms_text = "; ".join(t for t in (_text(term, "ram:Description") for term in terms) if t) or None
    buyer = agreement.find("ram:BuyerTradeParty", NS) if agreement is not None else None
    ids: list[tuple[str | None, str]] = []
    if buyer is not None:
        for node in buyer.findall("ram:SpecifiedLegalOrganization/ram:ID", NS) + buyer.findall("ram:ID", NS):
            if node.text:
                ids.append((node.get("schemeID"), node.text))
        for node in buyer.findall("ram:SpecifiedTaxRegistration/ram:ID", NS):
            if node.text:
                ids.append((node.get("schemeID") or "VA", node.text))
    legal, invalid = _legal_ids(ids)
    email = _email(_text(buyer, "ram:DefinedTradeContact/ram:EmailURIUniversalCommunication/ram:URIID")) or next(
        (e for n in (buyer.findall("ram:URIUniversalCommunication/ram:URIID", NS) if buyer is not None else [])
         if (e := _email(n.text))), None)  # fmt: skip
    iban = next((i for n in settlement.findall(
        "ram:SpecifiedTradeSettlementPaymentMeans/ram:PayeePartyCreditorFinancialAccount/ram:IBANID", NS)
        if (i := _iban(n.text))), None)  # fmt: skip
    profile = _profile(
        _text(root, "rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID")
    )
    return EInvoice(
        syntax="cii", profile=profile, number=_text(document, "ram:ID"),
        issue_date=_cii_date(document.find("ram:IssueDateTime", NS), "IssueDateTime"), due_date=due,
        amount_due=due_payable if due_payable is not None else grand, grand_total=grand,
        buyer_name=_text(buyer, "ram:Name"), buyer_email=email, buyer_ids=legal, invalid_ids=invalid,
        payment_terms=terms_text, seller_iban=iban,
        seller_name=_text(agreement, "ram:SellerTradeParty/ram:Name"),
    )  # fmt: skip


# UBL ---------------------------------------------------------------------------------------------------
def _ubl(root: Element) -> EInvoice:
    if _text(root, "cbc:InvoiceTypeCode") in CREDIT_NOTE_CODES:
        raise EInvoiceError(N_("this is a credit note, not an invoice: there is nothing to chase"))
    currency = _currency(_text(root, "cbc:DocumentCurrencyCode"))
    totals = root.find("cac:LegalMonetaryTotal", NS)
    grand = _amount(totals.findall("cbc:TaxInclusiveAmount", NS) if totals is not None else [], currency,
                    "TaxInclusiveAmount")  # fmt: skip
    payable = _amount(totals.findall("cbc:PayableAmount", NS) if totals is not None else [], currency,
                      "PayableAmount")  # fmt: skip
    due = _date(_text(root, "cbc:DueDate"), "%Y-%m-%d", "DueDate") or next(
        (d for n in root.findall("cac:PaymentMeans/cbc:PaymentDueDate", NS)
         if (d := _date(n.text, "%Y-%m-%d", "PaymentDueDate"))), None)  # fmt: skip
    party = root.find("cac:AccountingCustomerParty/cac:Party", NS)
    ids: list[tuple[str | None, str]] = []
    if party is not None:
        for node in party.findall("cac:PartyLegalEntity/cbc:CompanyID", NS) + party.findall(
            "cac:PartyIdentification/cbc:ID", NS
        ):
            if node.text:
                ids.append((node.get("schemeID"), node.text))
        for node in party.findall("cac:PartyTaxScheme/cbc:CompanyID", NS):
            if node.text:
                ids.append(("VA", node.text))
    legal, invalid = _legal_ids(ids)
    endpoint = party.find("cbc:EndpointID", NS) if party is not None else None
    email = _email(_text(party, "cac:Contact/cbc:ElectronicMail")) or (
        _email(endpoint.text) if endpoint is not None and endpoint.get("schemeID") == "EM" else None
    )
    name = _text(party, "cac:PartyLegalEntity/cbc:RegistrationName") or _text(party, "cac:PartyName/cbc:Name")
    iban = next((i for n in root.findall("cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID", NS)
                 if (i := _iban(n.text))), None)  # fmt: skip
    terms = "; ".join(
        t for n in root.findall("cac:PaymentTerms/cbc:Note", NS) if (t := " ".join((n.text or "").split()))
    )
    supplier = root.find("cac:AccountingSupplierParty/cac:Party", NS)
    return EInvoice(
        syntax="ubl", profile=_profile(_text(root, "cbc:CustomizationID")), number=_text(root, "cbc:ID"),
        issue_date=_date(_text(root, "cbc:IssueDate"), "%Y-%m-%d", "IssueDate"), due_date=due,
        amount_due=payable if payable is not None else grand, grand_total=grand, buyer_name=name,
        buyer_email=email, buyer_ids=legal, invalid_ids=invalid, payment_terms=terms or None, seller_iban=iban,
        seller_name=_text(supplier, "cac:PartyLegalEntity/cbc:RegistrationName")
        or _text(supplier, "cac:PartyName/cbc:Name"),
    )  # fmt: skip
