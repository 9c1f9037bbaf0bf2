"""The annual report for the audit committee: what the registers show for a financial year.

`gather` (storage) → `summary` (pure maths) → `charts` (matplotlib) → `render` (HTML, PDF)."""
