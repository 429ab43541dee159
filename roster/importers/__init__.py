"""Reading spreadsheets that people bring: rosters now, other templates later.

The pieces are kept apart so that each can be tested alone and reused by other imports
(question banks, certificates):

- `tables`: bytes of an .xlsx or .csv -> rows of raw cell values, with the row numbers
  Excel shows, and the header row found among the first few rows;
- `cells`: one raw cell -> a clean Python value or a reason why not;
- `vocabulary`: the roster template's headers and values in Chinese, with their synonyms;
- `roster`: a whole roster file -> valid rows ready for the service, and every bad row.

Nothing here writes to the database; `roster.services.imports` does, in one transaction.
"""

from .errors import FileProblem, RowError
from .roster import ParsedRoster, RosterRow, parse_roster, read_roster

__all__ = ["FileProblem", "ParsedRoster", "RosterRow", "RowError", "parse_roster", "read_roster"]
