"""The synthetic demo spot check that ``spotcheck serve`` builds on the synthetic demo frame.

``build.ensure_demo_spotcheck`` runs ``build.steps()`` in order, in one transaction, once per database (a
``dataset`` row records it): the plan, draw, firms' teams and assignment (``spotcheck.py``), the synthetic
inspections with their photos and reviews (``inspections.py``), the teams' route plans for the days left.
A later step (rectification notices, control cases) is one more function in ``steps()``.
"""
