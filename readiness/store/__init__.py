"""The workspace store: the database and the file store, the one place where anything changes.

``models`` holds the SQLModel tables, ``db`` opens a workspace (engine, sessions, the Alembic
migrations in ``migrations/``), ``files`` is the content-addressed store of attached files in the
workspace's folder and ``dbfiles`` the same in its database (chunks), ``stores`` says which of the
two a workspace uses and ``move`` moves files between them, ``audit`` writes the audit log and
``check`` checks the file store against the attachment rows, like ``git fsck``.
"""
