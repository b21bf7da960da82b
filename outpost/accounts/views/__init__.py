"""Accounts pages, one module per room: `signin` (sign-in, second factor, the home page),
`users` (managing users down the tree), `audit` (the access log and emergency openings)."""
