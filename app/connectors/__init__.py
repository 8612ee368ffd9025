"""Channel connectors: fetching mail and messenger channels into the database (no Qt here)."""
