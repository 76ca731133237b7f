"""Distributed mode: the pipeline's stages as procrastinate jobs in our own PostgreSQL.

With ``[database] url = "postgresql+psycopg://…"``, any number of ``nashra worker`` processes, on
any machines that reach the database, share the work. A job is a row in the same database as the
articles, inserted *in the transaction that caused it*, so no hand-off can be lost
(``../shared/research/SCALEOUT.md`` chose procrastinate for this; no queue of our own):

    schedule (periodic, every few seconds, deferred once per period however many workers run)
      → poll_source(name)     one per due source (a queueing lock: never two waiting)
           its tx: the source's new state + one article job per new item, each with a
           per-host slot (``hosts``: the next fetch of that host, across every worker)
      → article(source, item) fetch → extract → normalize → dedupe → enrich → store
           its tx: the article, its outbox rows + one send job per channel
      → send(channel)         publish what is due on the channel (``nashra.publish``), one job at
                              a time per channel (a procrastinate lock per chat: its pacing and
                              order hold across workers)
    retry_stalled (periodic)  jobs of a worker that stopped sending heartbeats (SIGKILL, a lost
                              machine) are put back in the queue
    sweep (periodic)          a send job for each channel with posts due (retries, paced posts)

Every stage is idempotent, because a stalled job runs again: an item already stored is
"unchanged", an outbox row is unique per (article, channel), and a send goes through the outbox's
claim/record protocol. Store transactions take one advisory lock, so dedupe and story
decisions see every article stored before them, whichever worker stored it.

    nashra worker -c cfg [--concurrency N] [--queues poll,article,send]
    nashra run -c cfg --workers N        (PostgreSQL: the scheduler + N local worker processes)
    nashra queue status -c cfg
"""

from nashra.jobs.app import QUEUES, deferrer, worker_app
from nashra.jobs.status import QueueRow, queue_status

__all__ = ["QUEUES", "QueueRow", "deferrer", "queue_status", "worker_app"]
