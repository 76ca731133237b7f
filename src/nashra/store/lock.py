"""One daemon per database: an advisory lock held for as long as ``nashra run`` runs.

Two daemons on one database used to race on every new item (``IntegrityError`` tracebacks) and
share nothing about pacing in memory. The lock is advisory and dies with its holder, so a crash or
a SIGKILL never leaves a stale lock behind:

- SQLite: ``flock`` on a lock file beside the database (``nashra.db.lock``; it holds the
  holder's pid, for the message the second daemon prints);
- PostgreSQL: ``pg_try_advisory_lock`` on a connection kept open by the holder.

``nashra once`` does not take it: a one-off cycle beside a daemon is safe (identity races are
"already known", the outbox claims each post once).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path
from types import TracebackType

import sqlalchemy as sa

from nashra.errors import StoreError

__all__ = ["PG_LOCK_KEY", "DaemonLock", "DaemonRunning"]

PG_LOCK_KEY = 0x6E617368726100D1  # "nashra" + 0xD1 ("daemon"); not nashra.jobs.context.STORE_LOCK


class DaemonRunning(StoreError):
    """Another ``nashra run`` holds this database."""

    code = "store.locked"


def _sqlite_path(url: str) -> Path | None:
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    db = parsed.database or ""
    if db in ("", ":memory:") or db.startswith("file:"):
        return None
    return Path(db)


class DaemonLock:
    def __init__(self, url: str) -> None:
        self.url = url
        self._fd: int | None = None
        self._engine: sa.Engine | None = None
        self._conn: sa.Connection | None = None

    def acquire(self) -> None:
        path = _sqlite_path(self.url)
        if path is not None:
            self._flock(path.with_name(path.name + ".lock"))
        elif sa.engine.make_url(self.url).get_backend_name() == "postgresql":
            self._pg()

    def _flock(self, lock: Path) -> None:
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StoreError(
                f"تعذر إنشاء ملف القفل — cannot create the lock file: {exc.strerror}",
                where=str(lock),
            ) from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            os.close(fd)
            raise DaemonRunning(
                f"خادم نشرة آخر يعمل على قاعدة البيانات هذه (pid {holder}) — another `nashra run`"
                " is using this database; stop it first",
                where=str(lock),
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        self._fd = fd

    def _pg(self) -> None:
        engine = sa.create_engine(self.url, poolclass=sa.pool.NullPool)
        try:
            conn = engine.connect()
            got = conn.execute(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": PG_LOCK_KEY})
            ok = bool(got.scalar())
            conn.commit()
        except sa.exc.SQLAlchemyError as exc:
            engine.dispose()
            raise StoreError(f"لا يمكن الاتصال بقاعدة البيانات: {exc.__class__.__name__}") from exc
        if not ok:
            conn.close()
            engine.dispose()
            raise DaemonRunning(
                "خادم نشرة آخر يعمل على قاعدة البيانات هذه — another `nashra run` is using this"
                " database (PostgreSQL advisory lock); stop it first"
            )
        self._engine, self._conn = engine, conn

    def release(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._fd, fcntl.LOCK_UN)
                os.close(self._fd)
            self._fd = None
        if self._conn is not None:
            with contextlib.suppress(sa.exc.SQLAlchemyError):
                self._conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": PG_LOCK_KEY})
                self._conn.close()
            self._conn = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def __enter__(self) -> DaemonLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
