"""Many patients at once: rows of fields in, one plan (or one error) per row out.

Rows are read lazily and handed to worker processes in small chunks, with only
a few chunks in flight, so memory stays flat however long the file is; results
come back in row order, so the same file gives the same output every time.

- :mod:`.patients_csv` reads a patients CSV file (:func:`read_patients`), the
  whole file checked before any row is handed out;
- :mod:`.rows` plans rows (:func:`plan_many` yields a :class:`PlanResult` or a
  :class:`RowError` per row, each planned with the :class:`RowOptions` every row
  shares);
- :mod:`.file_names` names each row's file and finds ids used twice;
- :mod:`.writer` writes one file per good row, ``errors.csv`` and
  ``manifest.csv`` beside them (:func:`write_batch`);
- :mod:`.folder` locks the folder for one batch, removes a killed run's
  leftovers and moves files whose row is now bad or gone to ``stale/``;
- :mod:`.publishing` publishes each row's calendar as a subscription feed
  (:func:`publish`) into a served folder (:class:`FeedSite`, :mod:`.site`),
  leaving the feeds that did not change untouched (:mod:`.feed_cache`);
- :mod:`._pool` runs the work on every core, in order (:func:`parse_jobs`:
  how many).
"""

from ._pool import MAX_JOBS, parse_jobs
from .file_names import ERRORS_FILE, MANIFEST_FILE, STALE_FOLDER, file_name
from .patients_csv import PatientRow, PatientRows, count_patients, read_patients
from .publishing import PublishReport, publish
from .rows import PlanResult, RowError, RowOptions, plan_many
from .site import FeedSite
from .writer import BatchReport, write_batch

__all__ = [
    "ERRORS_FILE",
    "MANIFEST_FILE",
    "MAX_JOBS",
    "STALE_FOLDER",
    "BatchReport",
    "FeedSite",
    "PatientRow",
    "PatientRows",
    "PlanResult",
    "PublishReport",
    "RowError",
    "RowOptions",
    "count_patients",
    "file_name",
    "parse_jobs",
    "plan_many",
    "publish",
    "read_patients",
    "write_batch",
]
