"""The reminder engine: planner (rows in step with invoices), dispatcher (due rows → delivery → record),
the JobQueue wiring, and the sweeps it runs. It never imports bot.handlers."""
