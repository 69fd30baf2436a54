"""People (as the state knows them) and their accounts."""
