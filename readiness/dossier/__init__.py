"""The dossier: the document a city hands in, the last stage of the flow.

``context`` resolves the city once and gathers the scorecards and the evidence into one context;
``render`` fills the templates of ``reports/`` into HTML and holds ``make_dossier``, the use case;
``pdf`` makes the PDF with WeasyPrint, which may read only the bundled report assets and the
workspace's stored files.
"""
