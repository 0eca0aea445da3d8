"""The scoring engine and the per-question score store, in stages.

Input frames (`frames`) → forecast timeline (`timeline`) → crowd aggregates (`aggregates`) →
per-question scores (`scores`, from `intervals`) → calibration and Murphy (`calibration`) →
leaderboard (`leaderboard`) and recalibration (`recalibration`). The database side: the
per-question score store (`store`), read back by `book`, `snapshots` and `reports`.
Definitions and sources of every score: docs/scoring.md.
"""
