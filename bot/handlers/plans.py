"""Reminder plans: the freelancer's default (/settings), a client's own and an invoice's own.

Buttons carry `pl:<action>:<scope>:<id>[:<code>]` with scope `d` (the freelancer's default, id 0),
`c` (a client) or `i` (an invoice). The target is looked up again with the pressing freelancer on
every press, so a forged id finds nothing and is refused. A custom plan is typed (a small
conversation) and read by `parse_custom_plan`. Changing a plan re-plans the open invoices that
follow it; reminders already sent stay sent (the planner sees them).
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ConversationHandler

from bot.context import RelanceContext
from bot.domain.plans import BUILTIN_PLANS, Plan, PlanError, parse_custom_plan
from bot.handlers.common import (
    answer,
    cb_int,
    cb_parts,
    edit_or_answer,
    freelancer_of,
    keyboard,
    refuse_callback,
    tr_for,
)
from bot.i18n import Html, Translator
from bot.presentation import keyboards as kb
from bot.presentation.reminder_views import custom_plan_prompt, plan_explanations, plan_problem, plan_steps
from bot.presentation.views import PLAN_NAMES, plan_label
from bot.storage import Client, Freelancer, Invoice

ASK_PLAN = "ask_plan"
DRAFT = "plan"
INHERIT = "inherit"
END = ConversationHandler.END


@dataclass(frozen=True)
class Target:
    """What a plan is chosen for, with the plan it has now and the one it would inherit."""

    scope: str  # d, c or i
    freelancer: Freelancer
    client: Client | None = None
    invoice: Invoice | None = None

    @property
    def id(self) -> int:
        return self.invoice.id if self.invoice else self.client.id if self.client else 0

    @property
    def own(self) -> str | None:
        if self.invoice:
            return self.invoice.plan
        return self.client.plan if self.client else self.freelancer.default_plan

    @property
    def inherited(self) -> str:
        """The plan used without an own plan: the client's, else the freelancer's default."""
        client_plan = self.client.plan if self.client and self.invoice else None
        return client_plan or self.freelancer.default_plan


# Rendering ---------------------------------------------------------------------------------------
def target_title(tr: Translator, target: Target) -> Html:
    if target.invoice:
        return tr._("<b>Reminder plan of invoice {number}</b>", number=target.invoice.number)
    if target.client:
        return tr._("<b>Reminder plan for {client}</b>", client=target.client.name)
    return tr._("<b>Your default reminder plan</b>")


def current_phrase(tr: Translator, target: Target) -> Html:
    if target.own:
        return tr._("Now: {plan}.", plan=plan_label(tr, target.own))
    if target.invoice:
        return tr._("Now: {plan}, from the client or your default.", plan=plan_label(tr, target.inherited))
    return tr._("Now: {plan}, your default.", plan=plan_label(tr, target.inherited))


def picker(tr: Translator, target: Target) -> tuple[Html, InlineKeyboardMarkup]:
    """The four plans explained, a button each, and for a client or an invoice "back to the default"."""
    lines = [target_title(tr, target), current_phrase(tr, target), "", *plan_explanations(tr)]
    own = target.own if target.own in BUILTIN_PLANS else None

    def label(code: str) -> str:
        return ("✓ " if code == own else "") + tr.plain(PLAN_NAMES[code])

    rows = [[(label(code), kb.PL_SET(target.scope, target.id, code)) for code in BUILTIN_PLANS]]
    custom = ("✓ " if target.own and not own else "") + tr.plain("Custom…")
    rows.append([(custom, kb.PL_CUSTOM(target.scope, target.id))])
    if target.scope != "d":
        inherit = (
            tr.plain("Use the client's or default plan") if target.invoice else tr.plain("Use my default")
        )
        rows.append(
            [(("✓ " if not target.own else "") + inherit, kb.PL_SET(target.scope, target.id, INHERIT))]
        )
    return Html("\n".join(lines)), keyboard(rows)


def saved_text(tr: Translator, target: Target, spec: str | None, replanned: int) -> Html:
    plan = Plan.from_spec(spec or target.inherited)
    lines = [
        tr._("Saved. {title}", title=target_title(tr, target)),
        tr._("Plan: {plan}", plan=plan_label(tr, plan.to_spec())),
        plan_steps(tr, plan),
        "",
    ]
    if replanned:
        lines.append(
            tr.n_(
                "{n} open invoice follows this plan: its reminders are planned again (those already sent stay sent).",
                "{n} open invoices follow this plan: their reminders are planned again (those already sent stay sent).",
                replanned,
            )
        )
    else:
        lines.append(tr._("No open invoice follows this plan right now."))
    invoice = target.invoice
    if invoice and invoice.is_open and (not invoice.reminders_enabled or invoice.reminders_paused):
        lines.append(
            tr._("Reminders are off or paused for this invoice: tap ▶️ Resume reminders on its card.")
        )
    return Html("\n".join(lines))


def back_buttons(tr: Translator, target: Target) -> InlineKeyboardMarkup | None:
    if target.invoice:
        return keyboard([[(tr.plain("◀ Invoice {number}", number=target.invoice.number[:30]),
                           kb.INV_CARD(target.invoice.id))]])  # fmt: skip
    if target.client:
        return keyboard(
            [[(tr.plain("◀ {client}", client=target.client.name[:30]), kb.CL_CARD(target.client.id))]]
        )
    return None


# Lookups and the change itself ---------------------------------------------------------------------
async def find_target(
    ctx: RelanceContext, freelancer: Freelancer, scope: str, target_id: int
) -> Target | None:
    """The target named by a button or a draft, only if it is this freelancer's."""
    store = ctx.store
    if scope == "d" and target_id == 0:
        return Target("d", freelancer)
    if scope == "c":
        client = await store.clients.get(freelancer.id, target_id)
        return Target("c", freelancer, client=client) if client else None
    if scope == "i":
        invoice = await store.invoices.get(freelancer.id, target_id)
        client = await store.clients.get(freelancer.id, invoice.client_id) if invoice else None
        return Target("i", freelancer, client=client, invoice=invoice) if invoice else None
    return None


async def owned_target(update: Update, ctx: RelanceContext) -> Target | None:
    """The target of the pressed `pl:<action>:<scope>:<id>` button, or None after refusing the press."""
    freelancer = await freelancer_of(update, ctx)
    parts = cb_parts(update)
    scope, target_id = (parts[1] if len(parts) > 1 else ""), cb_int(update, 2)
    target = None
    if freelancer is not None and target_id is not None:
        target = await find_target(ctx, freelancer, scope, target_id)
    if target is None:
        await refuse_callback(update, tr_for(update, ctx, freelancer), "plan target not owned")
    return target


async def apply_plan(ctx: RelanceContext, target: Target, spec: str | None) -> int:
    """Store the plan and re-plan every open invoice that follows it; how many were re-planned."""
    store, freelancer = ctx.store, target.freelancer
    if target.invoice:
        updated = await store.invoices.update(freelancer.id, target.invoice.id, plan=spec)
        affected = [updated] if updated is not None and updated.is_open else []
    elif target.client:
        await store.clients.update(freelancer.id, target.client.id, plan=spec)
        affected = await store.invoices.open_following_plan(freelancer.id, target.client.id)
    else:
        await store.freelancers.update(freelancer.id, default_plan=spec or "standard")
        affected = await store.invoices.open_following_plan(freelancer.id)
    for invoice in affected:
        await ctx.services.invoice_changed(invoice)
    return len(affected)


async def refreshed(ctx: RelanceContext, target: Target) -> Target:
    fresh = await ctx.store.freelancers.get(target.freelancer.id)
    assert fresh is not None
    return await find_target(ctx, fresh, target.scope, target.id) or target


# Handlers ----------------------------------------------------------------------------------------
async def show_picker(update: Update, ctx: RelanceContext) -> None:
    """🔔 Plan (client card, invoice card) and "Reminder plan" (/settings)."""
    if target := await owned_target(update, ctx):
        tr = tr_for(update, ctx, target.freelancer)
        await answer(update, *picker(tr, target))


async def choose(update: Update, ctx: RelanceContext) -> None:
    """A built-in plan, or back to the inherited one."""
    target = await owned_target(update, ctx)
    if target is None:
        return
    code = (cb_parts(update) + [""] * 4)[3]
    if code not in BUILTIN_PLANS and not (code == INHERIT and target.scope != "d"):
        await refuse_callback(update, tr_for(update, ctx, target.freelancer), f"unknown plan {code!r}")
        return
    spec = None if code == INHERIT else code
    replanned = await apply_plan(ctx, target, spec)
    target = await refreshed(ctx, target)
    tr = tr_for(update, ctx, target.freelancer)
    await edit_or_answer(update, saved_text(tr, target, spec, replanned), back_buttons(tr, target))


async def start_custom(update: Update, ctx: RelanceContext) -> str | int:
    """Custom…: ask for the days; the answer is read by `on_custom`."""
    target = await owned_target(update, ctx)
    if target is None:
        return END
    ctx.drafts[DRAFT] = {"scope": target.scope, "id": target.id}
    await answer(update, custom_plan_prompt(tr_for(update, ctx, target.freelancer)))
    return ASK_PLAN


async def on_custom(update: Update, ctx: RelanceContext) -> str | int:
    freelancer = await freelancer_of(update, ctx)
    draft = ctx.drafts.get(DRAFT) or {}
    tr = tr_for(update, ctx, freelancer)
    target = (
        await find_target(ctx, freelancer, draft.get("scope", ""), draft.get("id", -1))
        if freelancer
        else None
    )
    if target is None:
        ctx.drafts.pop(DRAFT, None)
        await answer(update, tr._("That client or invoice no longer exists. Nothing was changed."))
        return END
    text = update.effective_message.text if update.effective_message else ""
    try:
        plan = parse_custom_plan(text or "")
    except PlanError as exc:
        await answer(update, plan_problem(tr, exc.reason))
        return ASK_PLAN
    ctx.drafts.pop(DRAFT, None)
    replanned = await apply_plan(ctx, target, plan.to_spec())
    target = await refreshed(ctx, target)
    await answer(update, saved_text(tr, target, plan.to_spec(), replanned), back_buttons(tr, target))
    return END
