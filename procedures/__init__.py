"""Built-in procedure definitions (YAML), found by id on the procedure search path."""
