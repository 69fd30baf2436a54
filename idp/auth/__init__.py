"""Login methods, login sessions and assurance levels."""
