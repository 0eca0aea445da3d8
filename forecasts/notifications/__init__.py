"""What the service tells people and other tools.

``mail`` sends each email at most once per kind, recipient and period; ``reminders`` the digest
of stale forecasts; ``webhooks`` signed deliveries of events to other tools.
"""
