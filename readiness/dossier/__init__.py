"""The dossier: the document a city hands in, the last stage of the flow.

``render`` gathers the scorecards and the evidence into one context, fills the templates of
``reports/`` into HTML and makes the PDF with WeasyPrint, which may read only the bundled report
assets and the workspace's stored files.
"""
