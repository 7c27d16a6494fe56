"""The courtesy call step: the freelancer gets a call script on its day, and its buttons act."""

from __future__ import annotations

from bot.engine.calls import resume_after_promises
from tests.conftest import onboard
from tests.harness import Harness, TelegramUser
from tests.reminders.helpers import Setup, client_texts, invoice_with_reminders, utc

# The standard plan for an invoice due Tuesday 1 Dec 2026 (09:30 Paris = 08:30 UTC): courtesy Mon 30 Nov,
# friendly Fri 4 Dec, firm Fri 11 Dec, the call Wed 16 Dec, final Mon 21 Dec, formal-notice alert Thu 31 Dec.
BEFORE_THE_CALL = (utc(2026, 11, 30, 8, 30), utc(2026, 12, 4, 8, 30), utc(2026, 12, 11, 8, 30))
CALL_DAY = utc(2026, 12, 16, 8, 30)
FINAL_DAY = utc(2026, 12, 21, 8, 30)
NOTICE_DAY = utc(2026, 12, 31, 8, 30)
PROMISE_BUTTON = "📞 Called: promised a date"


async def with_phone(h: Harness, s: Setup, phone: str | None = "+33612345678") -> None:
    [contact] = await h.store.clients.contacts(s.invoice.client_id)
    await h.store.clients.update_contact(contact.id, phone=phone)


async def run_until(h: Harness, *moments: object) -> None:
    for moment in moments:
        h.clock.set(moment)  # type: ignore[arg-type]
        await h.dispatch()


async def rows(h: Harness, invoice_id: int) -> list[tuple[str, str]]:
    return [(r.tone, r.status) for r in await h.store.reminders.for_invoice(invoice_id)]


async def call_script_day(
    h: Harness, user: TelegramUser | None = None, phone: str | None = "+33612345678"
) -> Setup:
    s = await invoice_with_reminders(h, user=user)
    await with_phone(h, s, phone)
    await run_until(h, *BEFORE_THE_CALL, CALL_DAY)
    return s


async def test_the_call_script_goes_to_the_freelancer_on_its_day_with_the_facts(h: Harness) -> None:
    s = await invoice_with_reminders(h)
    await with_phone(h, s)
    await run_until(h, *BEFORE_THE_CALL)
    h.clock.set(utc(2026, 12, 16, 8, 29))
    await h.dispatch()
    assert not any("courtesy call" in t for t in client_texts(h, s.user.id))
    h.clock.set(CALL_DAY)
    await h.dispatch()
    script = h.fake.last_bot_message(s.user.id)
    for fact in ("Time for a courtesy call", "Client: ACME", "Contact: Jo", "F-1", "Amount due: €1,200.00",
                 "Due on 1 Dec 2026: 15 days late.", "Phone: +33612345678", "this is Claire Martin"):  # fmt: skip
        assert fact in script.text, fact
    assert "tel:" not in (script.html or "")  # real Telegram refuses tel: links (see call_script.py)
    assert script.buttons == [[PROMISE_BUTTON], ["No answer", "✅ Paid"]]
    assert all(len(b["callback_data"].encode()) <= 64 for row in script.inline_keyboard for b in row)
    assert len(client_texts(h, s.client_chat or 0)) == 3  # the client got nothing that day
    assert ("call", "sent") in await rows(h, s.invoice.id)
    before = len(h.fake.bot_messages(s.user.id))
    await h.dispatch()  # at most once
    h.clock.set(utc(2026, 12, 16, 15, 0))
    await h.dispatch()
    assert len(h.fake.bot_messages(s.user.id)) == before


async def test_the_call_script_in_french(h: Harness) -> None:
    user = await onboard(h, language_code="fr")
    s = await call_script_day(h, user)
    script = h.fake.last_bot_message(s.user.id).text
    for fact in ("C'est le moment d'un appel de courtoisie", "Client\u00a0: ACME", "Interlocuteur\u00a0: Jo",
                 "Reste dû\u00a0: 1\u202f200,00\u00a0€", "Échéance le 1 déc. 2026\u00a0: 15 jours de retard.", "Téléphone\u00a0: +33612345678",
                 "Bonjour Jo, ici Claire Martin"):  # fmt: skip
        assert fact in script, fact
    assert h.fake.last_bot_message(s.user.id).buttons == [
        ["📞 Appelé\u00a0: date promise"],
        ["Pas de réponse", "✅ Payée"],
    ]


async def test_without_a_phone_the_script_says_where_to_add_one(h: Harness) -> None:
    s = await call_script_day(h, phone=None)
    assert (
        "Phone: none on file. You can add one on the client card: /clients"
        in h.fake.last_bot_message(s.user.id).text
    )


async def test_promised_date_pauses_reminders_until_the_day_after_then_they_resume(h: Harness) -> None:
    s = await call_script_day(h)
    prompt = await s.user.press(PROMISE_BUTTON)
    assert "By what date did ACME promise to pay F-1? For example: 23 Dec 2026" in prompt.text
    reply = await s.user.send("next tuesday-ish")
    assert "I could not read that date" in reply.text and "For example: 23 Dec 2026" in reply.text
    reply = await s.user.send("31/02/2027")
    assert "does not exist in the calendar" in reply.text and "By what date" in reply.text
    reply = await s.user.send("10/12/2026")
    assert "That date has passed" in reply.text
    reply = await s.user.send("12/12/2028")
    assert "within a year" in reply.text
    invoice = await h.store.invoices.get(s.invoice.freelancer_id, s.invoice.id)
    assert invoice is not None and not invoice.reminders_paused  # nothing half-saved while asking
    reply = await s.user.send("23/12/2026")
    assert "ACME promised to pay F-1 by 23 Dec 2026" in reply.text and "resume on 24 Dec 2026" in reply.text
    invoice = await h.store.invoices.get(s.invoice.freelancer_id, s.invoice.id)
    assert invoice is not None and invoice.reminders_paused
    assert ("final", "planned") not in await rows(h, s.invoice.id)
    history = (await s.user.send("/history F-1")).text
    assert "courtesy call: ACME promised to pay by 23 Dec 2026" in history
    await s.user.send("/invoices")
    card = await s.user.press("📄 F-1")
    assert "Promised on the phone: paid by 23 Dec 2026. Reminders resume on 24 Dec 2026" in card.text

    await run_until(
        h, FINAL_DAY, utc(2026, 12, 23, 22, 59)
    )  # the final reminder waits; still the 23rd in Paris
    assert len(client_texts(h, s.client_chat or 0)) == 3
    assert await resume_after_promises(h.services, h.app.bot) == 0
    h.clock.set(utc(2026, 12, 23, 23, 0))  # midnight in Paris: the day after the promised date
    assert await resume_after_promises(h.services, h.app.bot) == 1
    assert await resume_after_promises(h.services, h.app.bot) == 0  # once
    told = h.fake.last_bot_message(s.user.id)
    await s.user.send("/invoices")
    assert "Promised on the phone" not in (await s.user.press("📄 F-1")).text
    assert (
        "ACME promised to pay F-1 by 23 Dec 2026, and it is not marked paid: reminders resume." in told.text
    )
    final = [r for r in await h.store.reminders.for_invoice(s.invoice.id) if r.tone == "final"][-1]
    assert final.status == "planned" and final.scheduled_at == utc(2026, 12, 24, 8, 30)
    await run_until(h, utc(2026, 12, 24, 8, 30))
    texts = client_texts(h, s.client_chat or 0)
    assert len(texts) == 4 and "Despite my previous reminders" in texts[-1]


async def test_a_promise_kept_stops_everything_and_nothing_resumes(h: Harness) -> None:
    s = await call_script_day(h)
    await s.user.press(PROMISE_BUTTON)
    await s.user.send("23/12/2026")
    await s.user.send("/paid F-1")
    h.clock.set(utc(2026, 12, 24, 9, 0))
    assert await resume_after_promises(h.services, h.app.bot) == 0
    await run_until(h, NOTICE_DAY)
    assert len(client_texts(h, s.client_chat or 0)) == 3
    assert not any("formal notice" in t for t in client_texts(h, s.user.id))


async def test_no_answer_is_recorded_and_the_plan_goes_on(h: Harness) -> None:
    s = await call_script_day(h)
    reply = await s.user.press("No answer")
    assert "Noted: no answer from ACME. The plan goes on" in reply.text
    assert ("final", "planned") in await rows(h, s.invoice.id)
    assert "courtesy call: no answer" in (await s.user.send("/history F-1")).text
    await run_until(h, FINAL_DAY)
    texts = client_texts(h, s.client_chat or 0)
    assert len(texts) == 4 and "Despite my previous reminders" in texts[-1]


async def test_paid_is_mark_paid_and_stops_everything(h: Harness) -> None:
    s = await call_script_day(h)
    script = h.fake.last_bot_message(s.user.id).message_id
    reply = await s.user.press("✅ Paid")
    assert "Marked paid ✅ Reminders are stopped." in reply.text
    invoice = await h.store.invoices.get(s.invoice.freelancer_id, s.invoice.id)
    assert invoice is not None and invoice.status == "paid"
    assert {status for tone, status in await rows(h, s.invoice.id) if tone in ("final", "notice")} == {
        "cancelled"
    }
    assert "courtesy call: the client has paid" in (await s.user.send("/history F-1")).text
    await run_until(h, FINAL_DAY, NOTICE_DAY)
    assert len(client_texts(h, s.client_chat or 0)) == 3
    reply = await s.user.press_data(script, f"call:prom:{s.invoice.id}")  # a replayed press on the old script
    assert "already paid or cancelled" in reply.text


async def test_the_call_script_is_never_sent_once_the_invoice_is_paid(h: Harness) -> None:
    s = await invoice_with_reminders(h)
    await run_until(h, *BEFORE_THE_CALL)
    await s.user.send("/paid F-1")
    await run_until(h, CALL_DAY)
    assert not any("courtesy call" in t for t in client_texts(h, s.user.id))
    assert ("call", "cancelled") in await rows(h, s.invoice.id)


async def test_the_call_script_waits_for_a_decent_hour(h: Harness) -> None:
    s = await invoice_with_reminders(h)
    await run_until(h, *BEFORE_THE_CALL)
    [call] = [r for r in await h.store.reminders.for_invoice(s.invoice.id) if r.tone == "call"]
    await h.store.reminders.reschedule(call.id, utc(2026, 12, 16, 21, 0))  # 22:00 in Paris
    await run_until(h, utc(2026, 12, 16, 21, 0))
    assert not any("courtesy call" in t for t in client_texts(h, s.user.id))
    [call] = [r for r in await h.store.reminders.for_invoice(s.invoice.id) if r.tone == "call"]
    assert call.status == "planned" and call.scheduled_at == utc(2026, 12, 17, 7, 0)  # 08:00 Paris


async def test_another_freelancer_cannot_press_the_call_buttons(h: Harness) -> None:
    s = await call_script_day(h)
    bob = await onboard(h, 2002, name="Bob Stone")
    message_id = (await bob.send("/help")).messages[-1].message_id
    for action in ("prom", "none", "paid"):
        await bob.press_data(message_id, f"call:{action}:{s.invoice.id}")
        assert "no longer valid" in str(h.fake.requests[-1].params)
    await bob.press_data(message_id, "call:prom:nonsense")
    assert "no longer valid" in str(h.fake.requests[-1].params)
    invoice = await h.store.invoices.get(s.invoice.freelancer_id, s.invoice.id)
    assert invoice is not None and invoice.status == "open" and not invoice.reminders_paused
    assert await h.store.call_outcomes.for_invoice(s.invoice.id) == []


async def test_the_end_of_plan_alert_drafts_the_formal_notice_in_one_tap(h: Harness) -> None:
    s = await call_script_day(h)
    await run_until(h, FINAL_DAY, NOTICE_DAY)
    alert = h.fake.last_bot_message(s.user.id)
    assert "formal notice" in alert.text
    assert alert.buttons[0] == ["⚖️ Formal notice…"]
    assert alert.button("⚖️ Formal notice…")["callback_data"] == f"fn:start:{s.invoice.id}"  # type: ignore[index]
    reply = await s.user.press("⚖️ Formal notice…")
    assert "Formal notice for F-1 (ACME). How many days does the client have to pay?" in reply.text


async def test_a_custom_plan_can_add_a_call_and_a_bad_call_is_explained(h: Harness) -> None:
    s = await invoice_with_reminders(h, plan=None)
    await s.user.send("/settings")
    await s.user.press("Reminder plan")
    assert "at 15 days a script for you to call the client" in s.user.last.text
    prompt = await s.user.press("Custom…")
    assert "<code>0, 7, call 12, 14, 30</code>" in (prompt.messages[-1].html or "")
    for bad in ("0, 7, call", "0, 7, call 7", "0, 7, call 0", "0, call 3, call 5"):
        reply = await s.user.send(bad)
        assert "A plan has at most one call, on a day after the due date (1 to 180)" in reply.text, bad
        assert "For example: 0, 7, call 12, 14, 30" in reply.text
    reply = await s.user.send("0, 7, call 10, 14")
    assert "Saved." in reply.text and "Custom (0, 7, 14; a call on day 10)" in reply.text
    assert "10 days after the due date: courtesy call script (to you)" in reply.text
    freelancer = await h.store.freelancers.by_telegram_id(s.user.id)
    assert freelancer is not None and freelancer.default_plan == "custom:0,7,14;call=10"
    assert [(r.offset_days, r.tone) for r in await h.store.reminders.for_invoice(s.invoice.id)] == [
        (0, "friendly"), (7, "firm"), (10, "call"), (14, "final"),
    ]  # fmt: skip


async def test_a_french_freelancer_types_appel(h: Harness) -> None:
    user = await onboard(h, language_code="fr")
    s = await invoice_with_reminders(h, plan=None, user=user)
    await s.user.send("/settings")
    await s.user.press("Plan de relance")
    await s.user.press("Sur mesure…")
    reply = await s.user.send("0, 7, appel")
    assert "Un plan compte au plus un appel" in reply.text and "appel 12" in reply.text
    reply = await s.user.send("J0, J+7, appel J+10, J+14")
    assert "un appel le jour 10" in reply.text


async def test_plans_stored_before_the_call_step_keep_working(h: Harness) -> None:
    """A custom spec without a call, and standard-plan rows planned before the call step existed."""
    s = await invoice_with_reminders(h, plan="custom:0,7,14;notice=30")
    assert [r.tone for r in await h.store.reminders.for_invoice(s.invoice.id)] == [
        "friendly",
        "firm",
        "final",
        "notice",
    ]
    old = await invoice_with_reminders(h, number="F-2", user=s.user, client_chat=None, client_name="Old Co")
    await h.store.db.execute(
        "DELETE FROM reminders WHERE invoice_id = ? AND tone = 'call'", (old.invoice.id,)
    )
    notice = [r for r in await h.store.reminders.for_invoice(old.invoice.id) if r.tone == "notice"][0]
    assert notice.step == 4  # the number it had before the call step existed
    await h.store.reminders.finish(notice.id, "sent", None)
    await h.services.invoice_changed(old.invoice)
    tones = [r.tone for r in await h.store.reminders.for_invoice(old.invoice.id)]
    assert tones.count("notice") == 1  # the notice already done is not planned again


async def test_the_script_names_the_contact_who_has_a_phone(h: Harness) -> None:
    s = await invoice_with_reminders(h)
    other = await h.store.clients.add_contact(
        s.invoice.client_id, name="Sam Lee", email=None, now=h.clock.now()
    )
    await h.store.clients.update_contact(other.id, phone="+442079460958")
    await run_until(h, *BEFORE_THE_CALL, CALL_DAY)
    script = h.fake.last_bot_message(s.user.id).text
    assert "Contact: Sam Lee" in script and "Phone: +442079460958" in script and "Hello Sam Lee" in script


async def test_a_french_freelancer_is_asked_again_in_french(h: Harness) -> None:
    user = await onboard(h, language_code="fr")
    s = await call_script_day(h, user)
    prompt = await s.user.press("📞 Appelé\u00a0: date promise")
    assert "Quelle date de paiement a été promise pour F-1 (ACME)\u00a0?" in prompt.text
    reply = await s.user.send("bientôt")
    assert "Par exemple\u00a0: 23 déc. 2026" in reply.text
    reply = await s.user.send("23/12/2026")
    assert "ACME a promis de régler F-1 au plus tard le 23 déc. 2026" in reply.text
    assert "elles reprennent le 24 déc. 2026" in reply.text
