"""Payments: the payments port (manual or Stripe), webhooks, bank statements and payouts."""
