"""`transflow serve`: the Starlette app, its guard against idle clients, errors as HTTP answers."""
