using Xunit;
using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Reflection;
using VaultDr.Commands;

namespace VaultDr.Tests.Commands;

/// <summary>
/// A PowerShell runspace hosted in-process with every VaultDr cmdlet registered through
/// SessionStateCmdletEntry, the way pnp/powershell tests its cmdlets.
/// </summary>
internal sealed class PowerShellSession : IDisposable
{
    private readonly Runspace _runspace;

    public PowerShellSession()
    {
        var state = InitialSessionState.CreateDefault2();
        foreach (var type in typeof(VaultDrCmdlet).Assembly.GetTypes())
        {
            if (type.GetCustomAttribute<CmdletAttribute>() is { } cmdlet)
            {
                state.Commands.Add(new SessionStateCmdletEntry($"{cmdlet.VerbName}-{cmdlet.NounName}", type, null));
            }
        }

        _runspace = RunspaceFactory.CreateRunspace(state);
        _runspace.Open();
    }

    public Runspace Runspace => _runspace;

    public Collection<ErrorRecord> Errors { get; } = new();

    public List<string> Warnings { get; } = new();

    public List<string> Verbose { get; } = new();

    public void Set(string name, object? value) => _runspace.SessionStateProxy.SetVariable(name, value);

    public object? Get(string name) => _runspace.SessionStateProxy.GetVariable(name);

    /// <summary>Runs a script; non-terminating errors, warnings and verbose messages are collected.</summary>
    public Collection<PSObject> Run(string script)
    {
        using var shell = PowerShell.Create();
        shell.Runspace = _runspace;
        shell.AddScript(script);
        var output = shell.Invoke();
        foreach (var error in shell.Streams.Error)
        {
            Errors.Add(error);
        }

        Warnings.AddRange(shell.Streams.Warning.Select(w => w.Message));
        Verbose.AddRange(shell.Streams.Verbose.Select(v => v.Message));
        return output;
    }

    /// <summary>Runs a script that must end in a terminating error, and returns that error.</summary>
    public ErrorRecord RunExpectingFailure(string script)
    {
        var exception = Assert.ThrowsAny<RuntimeException>(() => Run("$ErrorActionPreference = 'Stop'\n" + script));
        return exception.ErrorRecord;
    }

    public void Dispose() => _runspace.Dispose();
}
