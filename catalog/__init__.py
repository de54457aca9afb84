"""The center's service catalog (and, with later issues, service requests)."""
