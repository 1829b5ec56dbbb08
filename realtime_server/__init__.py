"""MarketPulse feed server: market data in, batched and conflated Socket.IO updates out."""
