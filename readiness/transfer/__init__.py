"""Transfer: evidence into and out of a workspace in bulk.

``imports`` plans and runs an import of YAML, CSV, XLSX or a zip archive (all or nothing) and
exports a city to a zip; ``sheets`` reads CSV and XLSX as offices keep them, in any of their
encodings; ``template`` makes the spreadsheet a ward fills in for import.
"""
