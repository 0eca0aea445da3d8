"""The scheduler process: closes, checks sources, reminds and snapshots, one process at a time.

Run it with `python -m jobs` or `forecasts jobs run`; never inside the web app or a gunicorn
worker.
"""
