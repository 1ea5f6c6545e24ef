using System.Management.Automation;
using System.Management.Automation.Host;
using VaultDr.Orchestration;

namespace VaultDr.Commands;

/// <summary>
/// ShouldProcess for VaultDr: right before each change, with the cluster as the target. A session that cannot
/// prompt (pwsh -NonInteractive, a hosted runspace, an Azure DevOps agent) gets a clear terminating error,
/// VaultDrConfirmationRequired, instead of a host exception; nothing has been sent when that happens.
/// </summary>
internal sealed class ConfirmationGuard
{
    private readonly VaultDrCmdlet _cmdlet;

    internal ConfirmationGuard(VaultDrCmdlet cmdlet) => _cmdlet = cmdlet;

    /// <summary>
    /// -WhatIf is on (the parameter, else $WhatIfPreference). Workflows need to know before their first change:
    /// ShouldProcess only tells after printing "What if:" for a step, and a dry run must not even read first.
    /// </summary>
    internal bool IsDryRun =>
        _cmdlet.MyInvocation.BoundParameters.TryGetValue("WhatIf", out var whatIf)
            ? whatIf is SwitchParameter { IsPresent: true }
            : LanguagePrimitives.IsTrue(_cmdlet.GetVariableValue("WhatIfPreference"));

    /// <summary>True to go ahead; false when declined or under -WhatIf (which printed the plan line).</summary>
    internal bool ShouldChange(string target, string action) => Confirm(target, action) == Confirmation.Proceed;

    /// <summary>Asks, and tells a declined change from a -WhatIf one.</summary>
    internal Confirmation Confirm(string target, string action)
    {
        try
        {
#pragma warning disable RS0030 // The one place that asks PowerShell (BannedSymbols.txt).
            return _cmdlet.ShouldProcess(target, action) ? Confirmation.Proceed : IsDryRun ? Confirmation.WhatIf : Confirmation.Declined;
#pragma warning restore RS0030
        }
        catch (Exception e) when (e is PSInvalidOperationException or HostException)
        {
            _cmdlet.ThrowFailure(
                new VaultDrOperationException(
                    "VaultDrConfirmationRequired",
                    $"'{action}' on {target} needs confirmation, and this session cannot ask for it. Nothing was sent. " +
                    "Add -Confirm:$false to proceed without asking, or -WhatIf to see what would happen."),
                target);
            return Confirmation.Declined;
        }
    }
}
