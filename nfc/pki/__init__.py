"""Public keys, signatures, certificates and CMS for eMRTD PKI (Part 12)."""
