"""Command-line subcommands, one module each; :mod:`deliberation.cli` lists them."""
