"""``InSet``: a column among many values, bound as ONE parameter.

``filter(person_id__in=ids)`` with 10,000 ids prepares each id through the field (Django's
generic ``get_prep_value`` per element) and binds 10,000 parameters, in chunks on SQLite;
in a roster import and the syncs that follow it that cost more of this process's time
than the database's work (bench/bench_imports.py). The values here go to the database as
one array: ``= ANY(%s)`` on PostgreSQL, ``IN (SELECT value FROM json_each(%s))`` on SQLite
(JSON1 is built in since SQLite 3.38 and Django's JSONField needs it already). The values
must be plain ints or strings, already what the column holds: nothing is converted.

    Employment.objects.filter(InSet(F("person_id"), ids))
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

from django.db.models import F, Lookup


class InSet(Lookup):
    lookup_name = "in_set"
    prepare_rhs = False  # the values are passed as they are, see the module docstring

    def __init__(self, lhs: F, rhs: Collection[int | str]) -> None:
        super().__init__(lhs, list(rhs))

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, params = self.process_lhs(compiler, connection)
        values = self.rhs
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*params, values]
        if connection.vendor == "sqlite":
            return f"{lhs} IN (SELECT value FROM json_each(%s))", [*params, json.dumps(values)]
        if not values:  # any other database: the plain IN list
            return "1 = 0", list(params)
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*params, *values]
