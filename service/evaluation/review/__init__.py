"""Document review (查阅资料, notice section 二(二)): the year's checklist (data, ``checklists/<year>.json``),
the county office's evidence per item, the firm's score and comment per item, the weighted totals per county
and their comparison across counties (docs/evaluation_review.md)."""
