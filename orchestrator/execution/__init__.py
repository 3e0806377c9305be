"""Running one attempt of a job as an OS process tree, and `$$(name)` context substitution.

Import from the modules: `model` (specs and results), `handle` (the `Execution` handle and the
`Executor` plug point), `local` (the default executor) and `substitution`.
"""
