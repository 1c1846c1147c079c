"""The team store contract: export documents, the store writer, the importer, the schema.

Nothing here imports textual; pydantic is imported only by the modules that validate
(import, schema), so exporting stays plain sqlite3 + json.
"""

# What documents written now say. A minor version only adds optional fields; this
# fieldcoach reads every version up to its own and refuses a newer one, minor included
# (README, "Export format": reading it without the new fields would lose them).
SCHEMA_ID = "fieldcoach/1.1"
SCHEMA_VERSION = (1, 1)
READS = ("fieldcoach/1", "fieldcoach/1.1")
