"""People and what they sign in with.

``people`` creates and finds users and teams and ends sessions; ``passwords`` holds the password
rules; ``password_reset`` the signed, one-use reset links; ``profile`` a person's own settings;
``tokens`` personal API tokens; ``actors`` the Scheduler, the system user credited with
automatic actions.
"""
