"""The team database: every manager's store loaded into one database and rolled up per
first-line manager (PRODUCT.md section 8). SQLAlchemy Core, so one code path can serve
SQLite and, later, PostgreSQL."""
