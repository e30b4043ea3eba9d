"""The UI's words: one module per part of the web app, each with ``STRINGS = {key: (English, Vietnamese)}``."""
