"""Resolution: deciding questions and the automatic checks that propose how.

``outcomes`` resolves, corrects and annuls (with conditional questions) and keeps the trail;
``closing`` records closes at the close date; ``sources`` is what a manager asks to be watched,
``checks`` runs those checks (``fetching`` and ``judging`` do one), ``proposals`` holds what a
check proposes until a manager confirms it, and ``overdue`` the managers' digest.
"""

from forecasts.resolution.outcomes import enabling_outcome, resolve, trail

__all__ = ["enabling_outcome", "resolve", "trail"]
