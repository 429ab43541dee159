"""Files the product makes and reads, shared by every app: one low-level module, below the
apps, that none of them has to climb up to (ARCHITECTURE.md, Layout).

* :mod:`.fonts`        the Chinese font embedded in every PDF (shipped in ``assets/``).
* :mod:`.pdf`          A4 page set-up, paragraph styles, and :func:`~.pdf.para`, which escapes
                       every text before reportlab reads it as markup.
* :mod:`.xlsx`         writing .xlsx; every cell through the formula guard.
* :mod:`.csvfile`      writing .csv; every cell through the formula guard.
* :mod:`.guard`        the formula guard itself (what counts as a formula, and its undoing).
* :mod:`.sheets`       the one reader of uploaded .xlsx and .csv files, within limits
                       (:mod:`.sheet_reader` does the reading, also in a limited child process).
* :mod:`.tables`       an uploaded file as a table: header row, synonyms, data rows.
* :mod:`.errors`       FileProblem and RowError, what every import reports.
* :mod:`.imports`      the import framework every import goes through: the report, the
                       all-or-nothing write of the good rows, the upload waiting between
                       check page and import, the commands' shared flags and ending.

Nothing here knows the apps' models; the apps import from here, never the other way.
"""
