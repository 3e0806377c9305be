<#
.SYNOPSIS
Build the Orchestrator distribution for this system: web UI, wheel and sdist, binaries, archive.

.DESCRIPTION
A thin wrapper over packaging/build.py, which `make dist` runs on Linux and macOS with the same
options; all the build logic (and its tests) lives there. Works in Windows PowerShell 5.1 and
PowerShell 7, on any system. Needs Python 3.11+ and, for the web UI, Node.js 20+.

Without a .venv folder it creates one and installs the project with its build tools
(pip install -e ".[build]"). Output goes to dist\: orchestrator-<version>-windows-<arch>.zip,
its .sha256 file, the wheel and the sdist.

.PARAMETER Clean
Remove earlier build output (dist\, build\packaging\) first.

.PARAMETER SkipUi
Do not build the web UI (an earlier build in orchestrator\gateway\static\ui is still included).

.PARAMETER SkipBinaries
Build only the wheel and the sdist: no PyInstaller binaries and no archive.

.PARAMETER Python
The Python to create .venv with (default: python, then python3, on PATH).

.EXAMPLE
.\build.ps1 -Clean
#>
[CmdletBinding()]
param(
    [switch]$Clean,
    [switch]$SkipUi,
    [switch]$SkipBinaries,
    [string]$Python = ''
)
Set-StrictMode -Version 3
$ErrorActionPreference = 'Stop'

$root = $PSScriptRoot
$venvPython = @(
    (Join-Path $root '.venv\Scripts\python.exe'),  # Windows
    (Join-Path $root '.venv/bin/python')           # Linux and macOS
) | Where-Object { Test-Path $_ } | Select-Object -First 1

if (-not $venvPython) {
    if (-not $Python) {
        $found = Get-Command python, python3 -ErrorAction SilentlyContinue | Select-Object -First 1
        if (-not $found) { Write-Error 'Python 3.11+ is not on PATH (or pass -Python PATH)'; exit 1 }
        $Python = $found.Source
    }
    Write-Host "Creating .venv with $Python"
    & $Python -m venv (Join-Path $root '.venv')
    if ($LASTEXITCODE -ne 0) { Write-Error 'could not create .venv'; exit 1 }
    $venvPython = @(
        (Join-Path $root '.venv\Scripts\python.exe'),
        (Join-Path $root '.venv/bin/python')
    ) | Where-Object { Test-Path $_ } | Select-Object -First 1
    & $venvPython -m pip install --quiet --upgrade pip
    & $venvPython -m pip install --quiet -e ($root + '[build]')
    if ($LASTEXITCODE -ne 0) { Write-Error 'could not install the build tools'; exit 1 }
}

$arguments = @((Join-Path $root 'packaging/build.py'))
if ($Clean) { $arguments += '--clean' }
if ($SkipUi) { $arguments += '--skip-ui' }
if ($SkipBinaries) { $arguments += '--skip-binaries' }

& $venvPython @arguments
exit $LASTEXITCODE
