"""Matching credits to open invoices: certain only by reference, everything else proposed and ranked."""

from __future__ import annotations

from datetime import date

from bot.bank.matching import Allocation, OpenInvoice, match_lines, normalise_name
from bot.bank.model import BankLine
from bot.domain.creditor_reference import creditor_reference, format_creditor_reference

ISSUED = date(2026, 2, 1)


def invoice(id_: int, number: str, balance: int, client: str = "ACME SARL", client_id: int = 1,
            currency: str = "EUR", contacts: tuple[str, ...] = ()) -> OpenInvoice:  # fmt: skip
    return OpenInvoice(id_, client_id, number, balance, currency, ISSUED, date(2026, 3, 3), client, contacts)


def line(amount: int, remittance: str = "", counterparty: str = "", when: date = date(2026, 3, 5),
         currency: str = "EUR", key: str = "k") -> BankLine:  # fmt: skip
    return BankLine(None, when, amount, currency, counterparty, remittance, key)


def test_invoice_number_in_the_remittance_is_certain_whatever_the_separators() -> None:
    invoices = [invoice(1, "F-2026-014", 120000), invoice(2, "F-2026-0140", 5000)]
    for text in ("Facture F-2026-014", "FACT F2026014 merci", "règlement f 2026 014"):
        [decision] = match_lines([line(120000, text)], invoices)
        assert decision.kind == "certain" and decision.allocations == (Allocation(1, 120000),), text
    [longer] = match_lines([line(5000, "F-2026-0140")], invoices)
    assert longer.allocations == (Allocation(2, 5000),)  # word boundaries: not F-2026-014


def test_short_numeric_numbers_need_a_word_like_facture() -> None:
    invoices = [invoice(1, "14", 30000)]
    [plain] = match_lines([line(30000, "loyer 14 rue des Lilas")], invoices)
    assert plain.kind != "certain"
    [named] = match_lines([line(30000, "facture n 14")], invoices)
    assert named.kind == "certain"


def test_creditor_reference_is_certain_only_for_this_freelancers_open_invoices() -> None:
    invoices = [invoice(7, "F-7", 9900)]
    [decision] = match_lines(
        [line(9900, f"REF {format_creditor_reference(creditor_reference(7))}")], invoices
    )
    assert decision.kind == "certain" and decision.candidates[0].reasons == ("creditor_reference",)
    [foreign] = match_lines([line(9900, creditor_reference(8))], invoices)
    assert foreign.kind != "certain"


def test_one_invoice_paid_by_two_transfers_and_an_overpayment_is_only_proposed() -> None:
    invoices = [invoice(1, "F-1001", 100000)]
    first, second, third = match_lines(
        [line(40000, "F-1001 acompte", key="a"), line(60000, "F-1001 solde", when=date(2026, 3, 9), key="b"),
         line(10000, "F-1001", when=date(2026, 3, 20), key="c")],
        invoices,
    )  # fmt: skip
    assert first.allocations == (Allocation(1, 40000),) and second.allocations == (Allocation(1, 60000),)
    assert third.kind == "unmatched"  # nothing left to pay on F-1001, and no other candidate
    [over] = match_lines([line(150000, "F-1001")], invoices)
    assert over.kind == "proposal" and "overpaid" in over.candidates[0].reasons
    assert over.candidates[0].allocations == (Allocation(1, 100000),)


def test_one_transfer_for_several_invoices() -> None:
    invoices = [invoice(1, "F-22", 40000), invoice(2, "F-23", 24000), invoice(3, "F-24", 9999)]
    [named] = match_lines([line(64000, "F-22 F-23", "Studio Bleu")], invoices)
    assert named.kind == "certain" and named.allocations == (Allocation(1, 40000), Allocation(2, 24000))
    [by_sum] = match_lines([line(64000, "virement", "ACME")], invoices)
    assert by_sum.kind == "proposal"
    assert set(by_sum.candidates[0].invoice_ids) == {1, 2} and "sum" in by_sum.candidates[0].reasons


def test_payer_name_ranks_proposals_ignoring_accents_legal_forms_and_contacts() -> None:
    invoices = [
        invoice(1, "A-1", 50000, "Société Générale d'Études SARL", client_id=1),
        invoice(2, "B-1", 50000, "Brugge Tech NV", client_id=2, contacts=("Hélène Lefèvre",)),
    ]
    [decision] = match_lines([line(50000, "virement", "SOCIETE GENERALE D ETUDES")], invoices)
    assert decision.kind == "proposal" and decision.candidates[0].invoice_ids == (1,)
    assert "name" in decision.candidates[0].reasons
    [contact] = match_lines([line(20000, "VIR INST HELENE LEFEVRE acompte")], invoices)
    assert contact.candidates[0].invoice_ids == (2,) and "partial" in contact.candidates[0].reasons
    [typo] = match_lines([line(50000, "", "Bruge Tekh")], invoices)
    assert typo.candidates[0].invoice_ids == (2,)
    assert normalise_name("ACME S.A.R.L.") == normalise_name("Acme SARL") == "ACME"


def test_currency_and_dates_are_respected() -> None:
    invoices = [invoice(1, "INV-2026-031", 250000, currency="USD")]
    [euros] = match_lines([line(250000, "INV-2026-031")], invoices)
    assert euros.kind == "unmatched"
    [dollars] = match_lines([line(250000, "INV-2026-031", currency="USD")], invoices)
    assert dollars.kind == "certain"
    [early] = match_lines([line(250000, "", "ACME", when=date(2026, 1, 5), currency="USD")], invoices)
    assert early.kind == "unmatched" or "before_issue" in early.candidates[0].reasons


def test_debits_and_unknown_payers_stay_unmatched() -> None:
    invoices = [invoice(1, "F-1", 120000)]
    debit, stranger = match_lines(
        [line(-120000, "F-1", key="d"), line(777, "cadeau", "Mamie", key="s")], invoices
    )
    assert debit.kind == "unmatched" and stranger.kind == "unmatched"
