"""The team database: every manager's store loaded into one database and rolled up per
first-line manager (PRODUCT.md section 8), on SQLite or PostgreSQL. One set of
statements for both, written in SQLAlchemy Core (statements.py) and run compiled on the
driver's connection (dbapi.py); SQLAlchemy's engine creates, migrates and loads it."""
