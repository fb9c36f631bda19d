"""Privacy: masking of identifiers people type anyway, and conversation retention."""
