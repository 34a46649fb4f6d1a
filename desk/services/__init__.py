"""Library functions of the desk (queue, decisions, routing, evidence, users), reused by the CLI and comms."""
