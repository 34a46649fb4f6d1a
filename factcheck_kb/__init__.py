"""Knowledge base of fact checks and clarifications: records, importers, indexes and the matcher."""
