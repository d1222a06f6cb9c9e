"""The ward's durable store: database, users and roles, audit log, backups.

See ``docs/store.md``. Modules: ``db`` (engine, ``open_store``, ``Store``), ``models`` (tables),
``repo`` (areas, uploads, facilities, incidents), ``plans`` (plans, versions, approval, exports),
``roster`` (teams, people, rosters), ``auth`` (accounts, roles, sessions), ``audit``
(hash-chained log), ``backup`` (backup and restore), ``sanitize`` (safe export and display of
stored text). Import the module you need; this package imports nothing heavy itself.
"""
