"""The evaluation (notice sections 二(二), 二(三), 四): each county's document review (查阅资料) scored by the firm,
the questionnaires (问卷调查) of officials, staff and residents, the county and provincial evaluation
reports (.docx), and the leaders' dashboard of every unit's key figures.

- ``review/``: the year's checklist (data), the county office's evidence, the firm's scores and weights;
- ``survey/``: questionnaire definitions (data), resident tokens and QR codes, answers, scoring;
- ``reports/``: the county and provincial reports, their editable narrative, tables and map images;
- ``figures.py``: every unit's key figures (inspections, 数字整治, notices, review score, satisfaction), which
  the dashboard and the reports share (its API: ``dashboard_routes.py``, ``dashboard_schemas.py``).
"""
