"""The one import framework every spreadsheet or question-file import goes through (roster,
certificates, questions, the enterprise and region directories).

An import has the same four steps wherever it runs (ARCHITECTURE.md rule 8, CONTRACT.md):

1. the file is read within the limits (:mod:`documents.sheets`, :mod:`documents.tables`);
2. an app's parser turns every row into a good row or :class:`~documents.errors.RowError`\\ s
   (row, column, value, reason), and may add :class:`.report.RowWarning`\\ s (near-duplicates);
   nothing is written;
3. :func:`.runner.run_import` does the writes of the good rows in one transaction: on a dry
   run, or when a row is bad and only the good rows were not asked for, it rolls everything
   back, so a check page shows exactly what the import will do;
4. the report is shown: on a check page before anything is written (the upload waits out of
   the web root, :mod:`.pending`), or by a management command (:mod:`.command`: the same
   flags, the same lines, the same exit status, and a bad-rows file).

The apps keep what is theirs (the template's headers, the cell rules, the service that writes
one row and checks who may write it); nothing here knows their models.
"""

from .report import ImportReport, RowWarning

__all__ = ["ImportReport", "RowWarning"]
