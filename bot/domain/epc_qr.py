"""EPC QR codes ("GiroCode", EPC069-12): a SEPA credit transfer the client's banking app can scan.

The payload is version 002 (the BIC is optional inside the EEA), character set 1 (UTF-8),
elements separated by LF and the last, empty, optional elements left out as the standard allows.
"""

import io

import segno
from schwifty import BIC, IBAN
from stdnum import iso11649

NAME_MAX_CHARS = 70
REMITTANCE_TEXT_MAX_CHARS = 140
PAYLOAD_MAX_BYTES = 331
AMOUNT_MAX_MINOR = 999_999_999_99  # EUR 999,999,999.99
QR_MAX_VERSION = 13


def epc_payload(
    *,
    name: str,
    iban: str,
    bic: str | None,
    amount_minor: int,
    currency: str,
    reference: str,
    creditor_reference: str | None = None,
) -> str:
    """Build the text encoded in an EPC QR code; raise ValueError when the transfer cannot be expressed.

    With a `creditor_reference` (ISO 11649, bot.domain.creditor_reference) the transfer carries it as
    the structured remittance, which lets bank reconciliation match the payment for certain; the
    standard makes it exclusive with the free text, so `reference` is then left out.
    """
    if currency != "EUR":
        raise ValueError(f"EPC QR codes only carry euros, not {currency!r}")
    if not 1 <= amount_minor <= AMOUNT_MAX_MINOR:
        raise ValueError("EPC QR amount must be between EUR 0.01 and EUR 999,999,999.99")
    name = _single_line(name.strip(), "beneficiary name")
    if not 1 <= len(name) <= NAME_MAX_CHARS:
        raise ValueError(f"beneficiary name must be 1 to {NAME_MAX_CHARS} characters")
    reference = _single_line(reference.strip(), "remittance text")
    if len(reference) > REMITTANCE_TEXT_MAX_CHARS:
        raise ValueError(f"remittance text must be at most {REMITTANCE_TEXT_MAX_CHARS} characters")
    structured = ""
    if creditor_reference:
        structured = iso11649.validate(creditor_reference)  # raises a ValueError subclass when invalid
        reference = ""
    account = IBAN(iban)  # raises a ValueError subclass on a bad checksum, length or country
    if not account.in_sepa_zone:
        raise ValueError("EPC QR codes need an IBAN from the SEPA zone")
    bank = _optional_bic(bic)

    major, minor = divmod(amount_minor, 100)
    lines = [
        "BCD",  # service tag
        "002",  # version
        "1",  # character set: UTF-8
        "SCT",  # SEPA credit transfer
        bank,
        name,
        account.compact,
        f"EUR{major}.{minor:02d}",
        "",  # purpose code
        structured,  # structured creditor reference (exclusive with the text below)
        reference,  # unstructured remittance text
    ]
    payload = "\n".join(lines).rstrip("\n")
    if len(payload.encode("utf-8")) > PAYLOAD_MAX_BYTES:
        raise ValueError(f"EPC QR payload exceeds {PAYLOAD_MAX_BYTES} bytes")
    return payload


def epc_qr_png(payload: str, *, scale: int = 4) -> bytes:
    """Render the payload as a PNG; the standard requires error correction level M, version ≤ 13."""
    qr = segno.make_qr(payload.encode("utf-8"), error="m", boost_error=False)
    if int(qr.version) > QR_MAX_VERSION:  # make_qr never yields a Micro QR version like "M4"
        raise ValueError(f"EPC QR payload needs QR version {qr.version}; at most {QR_MAX_VERSION} is allowed")
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def _optional_bic(bic: str | None) -> str:
    """The BIC, or "" when missing or invalid: version 002 makes it optional, so a bad one is left out
    instead of costing the client the whole code (their bank finds the BIC from the IBAN)."""
    if not bic:
        return ""
    try:
        return BIC(bic).compact
    except ValueError:
        return ""


def _single_line(value: str, what: str) -> str:
    if any(char in value for char in "\r\n"):
        raise ValueError(f"{what} must be a single line")
    return value
