"""Intake: from a document an official collected to a draft evidence record.

``documents`` reads the text out of plain text, HTML, PDF and DOCX (in a bounded child process),
``textdates`` finds the dates the text reports, ``suggest`` guesses the kind of evidence and the
criteria it supports, and ``draft`` puts them together into a draft record for an official to
confirm.
"""
