"""Reading sources into the graph: tables to Turtle, Turtle to rdflib to networkx, validation."""
