"""Short-lived shared state (codes, challenges, pending requests, replay caches)."""
