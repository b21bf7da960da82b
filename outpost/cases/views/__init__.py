"""Case pages, one module per room: `cases` (the queue, reporting, a case and its steps),
`public` (the residents' status page, no sign-in)."""
