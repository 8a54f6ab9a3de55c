"""HTTP layer: the request pipeline, OAuth, rate limit, faults, transports and serving."""
