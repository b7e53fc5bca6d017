"""One page per business; each takes its dependencies (`Deps`) in the constructor."""
