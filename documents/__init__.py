"""Files the product makes and reads, shared by every app: one low-level module, below the
apps, that none of them has to climb up to (ARCHITECTURE.md, Layout).

* :mod:`.fonts`        the Chinese font embedded in every PDF (shipped in ``assets/``).
* :mod:`.pdf`          A4 page set-up, paragraph styles, and :func:`~.pdf.para`, which escapes
                       every text before reportlab reads it as markup.

Nothing here knows the apps' models; the apps import from here, never the other way.
"""
