"""Frozen migration steps: each module holds the DDL of one released migration, as it was.

A step never imports ``nashra.store.schema``: that module describes today's tables, and a step
that created "today's" table would give a fresh database columns that a later step then adds a
second time. A step declares the tables it creates on a private ``MetaData`` (portable between
SQLite and PostgreSQL) or runs SQL both databases accept. Once released, a step is never edited;
a change to the schema is a new step (and the matching edit of ``schema.py``, which a test
compares with a migrated database).
"""
