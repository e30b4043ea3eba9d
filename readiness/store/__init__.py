"""The workspace store: the database and the file store, the one place where anything changes.

``models`` holds the SQLModel tables, ``db`` opens a workspace (engine, sessions, the Alembic
migrations in ``migrations/``), ``files`` is the content-addressed store of attached files,
``stores`` says which store a workspace's files live in, ``audit`` writes the audit log and
``check`` checks the file store against the attachment rows, like ``git fsck``.
"""
