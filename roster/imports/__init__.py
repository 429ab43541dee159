"""Reading roster spreadsheets (the CONTRACT.md "Roster" template).

The file itself is read by the product's one spreadsheet reader, `documents.tables` (limits,
header row, synonyms); what is the roster's lives here, in pieces that can be tested alone
and that other imports reuse (certificates use `cells`):

- `cells`: one raw cell -> a clean Python value or a reason why not;
- `vocabulary`: the roster template's headers and values in Chinese, with their synonyms;
- `roster`: a whole roster file -> valid rows ready for the service, and every bad row.

Nothing here writes to the database; `roster.services.imports` does, in one transaction.
"""

from documents.errors import FileProblem, RowError

from .roster import ParsedRoster, RosterRow, parse_roster, read_roster

__all__ = ["FileProblem", "ParsedRoster", "RosterRow", "RowError", "parse_roster", "read_roster"]
