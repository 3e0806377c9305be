"""The domain of runs: their state machines, how they are created, and what a restart decides.

Pure functions over plain records (and, for creation, the store they are written to): the actors
apply what these return, so the rules live here once and are tested without threads.
"""
