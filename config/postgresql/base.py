"""Django's PostgreSQL backend, with a health check that costs no round trip.

Connections persist between requests (CONN_MAX_AGE), so one may have died meanwhile: the
server restarted, or an idle timeout ended it. Django's health check asks with a `SELECT 1`
at the first query of every request, which on an exam day is one more round trip to
PostgreSQL for each of a thousand answer saves a second. A connection the server has
closed has something to read (the server's "terminating connection" and the end of the
stream), while a healthy idle one has nothing: one poll of its socket tells them apart.
A connection that died without a word (the network cut) still fails at its first query;
that request gets an error the page retries, and the connection is replaced.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base
from psycopg.pq import TransactionStatus


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed:
            return False
        if connection.info.transaction_status != TransactionStatus.IDLE:
            return super().is_usable()  # mid-transaction or in error: ask the server
        try:
            poller = select.poll()  # not select(): a busy server's descriptors pass 1,024
            poller.register(connection.fileno(), select.POLLIN)
            return not poller.poll(0)
        except (OSError, ValueError):
            return False
