"""Look-ups over the network for the core's ports (research papers from Crossref and PubMed)."""
