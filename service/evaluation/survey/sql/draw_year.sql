-- The year of a draw's plan: the survey year of the demo's answers.
SELECT p.year FROM draw AS d JOIN sampling_plan AS p ON p.id = d.plan_id WHERE d.id = :d
