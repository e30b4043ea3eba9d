"""Frameworks: ``schema`` (what a framework file must follow), ``loader`` (read and check files,
every problem with file and line), ``catalogue`` (every framework a command can see)."""
