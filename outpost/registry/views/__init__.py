"""Registry pages, one module per room: `records` (search, people, houses, organisations, the
verification queue), `imports` (uploads and their jobs), `exports` (scoped lists as xlsx)."""
