"""Scoring: from the workspace's evidence to a scorecard with its gaps.

``facts`` reads the workspace into evidence facts (the SQL adapter: a few queries per city, counts
per criterion for every city at once); ``engine`` scores those facts against a framework on an
as-of day and is pure (no database, no clock, no files), so the same facts give the same
scorecard; ``report`` holds the use cases behind ``score``, ``gaps`` and ``due``, returning data.
"""
