"""Transfer: evidence into and out of a workspace in bulk.

An import (``imports.import_evidence``, the use case) flows ``readers`` (YAML, CSV, XLSX or a zip
archive into incoming records) -> ``plan`` (every check against the workspace, nothing changed)
-> ``write`` (the files, then every row in one transaction: all or nothing); ``export`` writes a
city to a zip that import reads back. ``sheets`` reads CSV and XLSX as offices keep them, in any
of their encodings; ``template`` makes the spreadsheet a ward fills in for import.
"""
