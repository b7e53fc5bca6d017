"""yibao-desk: the 医保 counter application."""
