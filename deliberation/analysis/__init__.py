"""Analyses of procedure definitions: every path a matter can take, and what one procedure
changes against another. Both read only the definition (and the engine's compiled plan).

>>> from deliberation import load_procedure
>>> from deliberation.analysis.paths import derive_paths
>>> derive_paths(load_procedure("four-deliberations")).total > 0
True
"""
