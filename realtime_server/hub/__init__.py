"""The hub: subscriptions, per-connection conflation and fan-out of channel updates."""
