"""The case engine: a matter taken through a procedure, as an append-only log of records."""
