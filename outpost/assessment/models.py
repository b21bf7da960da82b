"""No tables yet: the indicators are declared in code (`catalogue`) and computed from the other
apps' records on request. Assessment schemes, their periods, locks and appeals (警网双考) will
live here, naming indicators by their `code`."""
