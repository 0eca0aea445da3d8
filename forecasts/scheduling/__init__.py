"""The scheduler's own records: ``lease`` keeps exactly one scheduler running however many
processes start, ``runs`` logs each job run and the next planned runs."""
