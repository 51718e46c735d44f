"""Radix knowledge: the ontology, content modules, shapes, and the graph model with its queries."""
