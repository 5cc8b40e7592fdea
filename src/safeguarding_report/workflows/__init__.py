"""What an analyst runs around the build: new, new-year, check, diff, batch and the index."""
