"""Background jobs: a Huey queue carries "job N is due"; the `jobs` table is the truth about each job.

Features register a handler per job kind (`queue.handles("invitations.email")`) and periodic work
(`queue.every_minute(fn)`); a worker (`flask --app adkar worker`) runs them. Because the database, not the
queue, says what is left to do, a job survives a killed worker or a queue store that lost its messages:
the minute sweep hands every job whose lease ran out to a worker again.
"""
