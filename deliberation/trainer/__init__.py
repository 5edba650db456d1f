"""The trainer's tools: a terminal walkthrough, diagrams and an offline HTML page.

All three derive from the procedure definition (:func:`deliberation.trainer.steps.build_view`),
so they show the same numbered rules, records and legal basis in the three languages.

>>> from deliberation import load_procedure
>>> from deliberation.trainer.diagram import to_mermaid
>>> to_mermaid(load_procedure("four-deliberations"), lang="en").splitlines()[0]
'flowchart TD'
"""
