<#
.SYNOPSIS
Install, upgrade, stop, start or remove the Orchestrator server on Windows (PowerShell 5.1 or 7).

.DESCRIPTION
Run from the unpacked distribution archive, in an elevated PowerShell:
  .\install.ps1                     install, or upgrade in place (stops the server cleanly first)
  .\install.ps1 -Stop | -Start      stop the server cleanly / start it again
  .\install.ps1 -Uninstall [-Purge] remove it; -Purge also deletes the data directory

A Windows service must answer the service control manager, which the server does not do, so the
server runs as a scheduled task that starts at boot under the LOCAL SERVICE account. Ending that
task would kill the server at once; a clean stop instead sends Ctrl+C to the server's console
(Windows' SIGINT), from a second task under the same account, and the server then lets running
jobs finish within server.shutdown_grace as it does on SIGTERM elsewhere.
#>
[CmdletBinding()]
param(
    [switch]$Uninstall,
    [switch]$Purge,
    [switch]$Stop,
    [switch]$Start,
    [switch]$NoStart,
    [switch]$StopNow,  # used by the stop task: send Ctrl+C from inside the server's session
    [string]$InstallDir = (Join-Path $env:ProgramFiles 'Orchestrator'),
    [string]$DataDir = (Join-Path $env:ProgramData 'Orchestrator')
)
Set-StrictMode -Version 3
$ErrorActionPreference = 'Stop'

$TaskName = 'Orchestrator'
$StopTaskName = 'Orchestrator Stop'
$Server = Join-Path $InstallDir 'bin\orchestrator-server.exe'
$Manager = Join-Path $InstallDir 'orchestrator-service.ps1'
$Config = Join-Path $DataDir 'conf\orchestrator.yaml'
$StopWait = 90  # seconds; above shutdown_grace + kill_grace with room to flush the store

function Get-ServerProcess {
    @(Get-Process -Name 'orchestrator-server' -ErrorAction SilentlyContinue)
}

function Send-CtrlC {
    Add-Type -TypeDefinition @'
using System;
using System.Runtime.InteropServices;
public static class OrchestratorConsole {
    [DllImport("kernel32.dll", SetLastError = true)] static extern bool AttachConsole(uint pid);
    [DllImport("kernel32.dll", SetLastError = true)] static extern bool FreeConsole();
    [DllImport("kernel32.dll", SetLastError = true)]
    static extern bool SetConsoleCtrlHandler(IntPtr handler, bool add);
    [DllImport("kernel32.dll", SetLastError = true)]
    static extern bool GenerateConsoleCtrlEvent(uint ctrlEvent, uint group);
    public static bool SendCtrlC(uint pid) {
        FreeConsole();
        if (!AttachConsole(pid)) { return false; }
        SetConsoleCtrlHandler(IntPtr.Zero, true);  // the event must not stop this process
        bool sent = GenerateConsoleCtrlEvent(0, 0);
        System.Threading.Thread.Sleep(1000);
        FreeConsole();
        return sent;
    }
}
'@
    $running = Get-ServerProcess
    if ($running.Count -eq 0) { return }
    if (-not [OrchestratorConsole]::SendCtrlC([uint32]$running[0].Id)) {
        throw "could not reach the console of process $($running[0].Id)"
    }
    $running | Wait-Process -Timeout $StopWait -ErrorAction SilentlyContinue
    $left = Get-ServerProcess
    if ($left.Count -gt 0) {
        $left | Stop-Process -Force
        throw "the server did not stop within $StopWait s and was killed"
    }
}

function Stop-Server {
    if ((Get-ServerProcess).Count -eq 0) { return }
    Write-Host 'Stopping the server (running jobs get their shutdown grace)...'
    Start-ScheduledTask -TaskName $StopTaskName
    $deadline = (Get-Date).AddSeconds($StopWait + 10)
    while ((Get-ServerProcess).Count -gt 0) {
        if ((Get-Date) -gt $deadline) { throw 'the server is still running; see Task Scheduler' }
        Start-Sleep -Milliseconds 500
    }
}

function Test-Admin {
    $identity = [Security.Principal.WindowsIdentity]::GetCurrent()
    (New-Object Security.Principal.WindowsPrincipal $identity).IsInRole(
        [Security.Principal.WindowsBuiltInRole]::Administrator)
}

function Write-Config([string]$Path) {
    # Single-quoted YAML strings take Windows paths as they are (no backslash escapes).
    $text = Get-Content -Raw -Path (Join-Path $PSScriptRoot 'conf\orchestrator.yaml')
    $text = $text -replace '(?m)^  data_dir: .*$', "  data_dir: '$(Join-Path $DataDir 'data')'"
    $text = $text -replace '(?m)^  dir: ""', "  dir: '$(Join-Path $DataDir 'logs')'"
    [IO.File]::WriteAllText($Path, $text, (New-Object Text.UTF8Encoding $false))
}

function Register-Tasks {
    # The account's name is localized; its SID is not.
    $account = (New-Object Security.Principal.SecurityIdentifier 'S-1-5-19').Translate(
        [Security.Principal.NTAccount]).Value
    $principal = New-ScheduledTaskPrincipal -UserId $account -LogonType ServiceAccount
    $settings = New-ScheduledTaskSettingsSet -ExecutionTimeLimit ([TimeSpan]::Zero) `
        -RestartCount 3 -RestartInterval (New-TimeSpan -Minutes 1) -StartWhenAvailable `
        -AllowStartIfOnBatteries -DontStopIfGoingOnBatteries -MultipleInstances IgnoreNew
    $run = New-ScheduledTaskAction -Execute $Server -WorkingDirectory $DataDir `
        -Argument "--config `"$Config`" --silent"
    Register-ScheduledTask -TaskName $TaskName -Action $run -Principal $principal `
        -Settings $settings -Trigger (New-ScheduledTaskTrigger -AtStartup) -Force `
        -Description 'Orchestrator server, started at boot.' | Out-Null
    $stopArgs = "-NoProfile -NonInteractive -ExecutionPolicy Bypass -File `"$Manager`" " +
        "-StopNow -InstallDir `"$InstallDir`" -DataDir `"$DataDir`""
    Register-ScheduledTask -TaskName $StopTaskName -Principal $principal -Settings $settings `
        -Action (New-ScheduledTaskAction -Execute 'powershell.exe' -Argument $stopArgs) -Force `
        -Description 'Stops the Orchestrator server cleanly (Ctrl+C on its console).' | Out-Null
}

function Install-Orchestrator {
    foreach ($file in 'bin\orchestrator-server.exe', 'bin\orchestrator-cli.exe', 'conf\orchestrator.yaml') {
        if (-not (Test-Path (Join-Path $PSScriptRoot $file))) {
            throw "$file is missing: run this script from the unpacked archive"
        }
    }
    if (Get-ScheduledTask -TaskName $StopTaskName -ErrorAction SilentlyContinue) { Stop-Server }
    foreach ($dir in "$InstallDir\bin", "$DataDir\conf", "$DataDir\data", "$DataDir\logs") {
        New-Item -ItemType Directory -Force -Path $dir | Out-Null
    }
    # SYSTEM and Administrators: full control; LOCAL SERVICE (the server): modify; nobody else.
    & icacls.exe $DataDir /inheritance:r /grant:r '*S-1-5-18:(OI)(CI)F' `
        '*S-1-5-32-544:(OI)(CI)F' '*S-1-5-19:(OI)(CI)M' | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "icacls could not set the permissions of $DataDir" }
    Copy-Item -Force -Path "$PSScriptRoot\bin\*.exe" -Destination "$InstallDir\bin"
    Copy-Item -Force -Path $PSCommandPath -Destination $Manager
    foreach ($doc in 'README.md', 'LICENSE', 'CHANGELOG.md', 'DEPLOYMENT.md') {
        $source = Join-Path $PSScriptRoot $doc
        if (Test-Path $source) { Copy-Item -Force -Path $source -Destination $InstallDir }
    }
    if (Test-Path $Config) {
        Write-Config "$Config.new"
        Write-Host "Kept $Config; the new release's default is in $Config.new."
    } else {
        Write-Config $Config
    }
    & $Server --config $Config check-config | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "the configuration $Config is not valid" }
    # The first admin's generated secrets are shown here, once (ORCH_ADMIN_PASSWORD and
    # ORCH_ADMIN_API_KEY choose them instead).
    & $Server --config $Config --silent init
    if ($LASTEXITCODE -ne 0) { throw 'orchestrator-server init failed' }
    Register-Tasks
    if ($NoStart) {
        Write-Host "Installed; start it with: Start-ScheduledTask -TaskName $TaskName"
    } else {
        Start-ScheduledTask -TaskName $TaskName
        Write-Host "Orchestrator is running; it starts at boot. Stop it with: $Manager -Stop"
    }
}

function Uninstall-Orchestrator {
    if (Get-ScheduledTask -TaskName $StopTaskName -ErrorAction SilentlyContinue) { Stop-Server }
    foreach ($name in $TaskName, $StopTaskName) {
        if (Get-ScheduledTask -TaskName $name -ErrorAction SilentlyContinue) {
            Unregister-ScheduledTask -TaskName $name -Confirm:$false
        }
    }
    Remove-Item -Recurse -Force -Path $InstallDir -ErrorAction SilentlyContinue
    if ($Purge) {
        Remove-Item -Recurse -Force -Path $DataDir -ErrorAction SilentlyContinue
        Write-Host 'Orchestrator removed, with its data directory.'
    } else {
        Write-Host "Orchestrator removed. Kept: $DataDir (-Purge deletes it)."
    }
}

try {
    if ($StopNow) { Send-CtrlC; exit 0 }
    if (-not (Test-Admin)) { throw 'run this script in an elevated PowerShell (Run as administrator)' }
    if ($Stop) { Stop-Server }
    elseif ($Start) { Start-ScheduledTask -TaskName $TaskName }
    elseif ($Uninstall) { Uninstall-Orchestrator }
    else { Install-Orchestrator }
} catch {
    Write-Error "install.ps1: $($_.Exception.Message)" -ErrorAction Continue
    exit 1
}
