# Builds the binaries and the distribution package (placeholder until the distribution work).
# The build logic will live in packaging/build.py; this script will stay a thin wrapper over it.
Write-Error "build.ps1 is not implemented yet: see packaging/README.md"
exit 1
