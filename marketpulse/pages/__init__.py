"""The app's pages: each composes components and binds them to states; no logic of its own."""
