"""The domain of definitions: what may be created, changed, copied and deleted.

Jobs, pipelines, schedules and webhooks, one module each, with the rules that span records:
names unique within a kind, copy names, a pipeline's steps naming jobs, a schedule's targets,
`force` to delete what others use. The records themselves are kept by `orchestrator.store`
(tables, name indexes, sealed secrets); the Storage actor calls these on its thread through one
table of kinds (`kinds`) and commits what they wrote.
"""
