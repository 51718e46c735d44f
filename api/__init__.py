"""HTTP and command-line access to the Radix graph."""
