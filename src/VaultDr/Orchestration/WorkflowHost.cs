using VaultDr.Client;

namespace VaultDr.Orchestration;

/// <summary>
/// What a workflow needs from whoever runs it: somewhere to report, a way to ask before each change, a progress
/// display and a clock. A cmdlet provides these through its message pump; a unit test provides fakes.
/// </summary>
/// <param name="Log">Verbose, debug and warning messages (never a secret).</param>
/// <param name="ConfirmAsync">Asked right before each change, with the cluster as the target and the change as the action.</param>
/// <param name="Progress">Progress of a long step; every bar a workflow opens is completed by its runner.</param>
/// <param name="Time">The clock for polls, timeouts and durations.</param>
/// <param name="Section">A long step starts (its title) or ends (null): a pipeline agent folds its log there.</param>
internal sealed record WorkflowHost(
    IVaultCallLog Log,
    Func<string, string, Task<Confirmation>> ConfirmAsync,
    Action<WorkflowProgress> Progress,
    TimeProvider Time,
    Action<string?> Section);

/// <summary>The answer to a confirmation.</summary>
internal enum Confirmation
{
    /// <summary>Go ahead with the change.</summary>
    Proceed,

    /// <summary>The operator said no.</summary>
    Declined,

    /// <summary>-WhatIf: the change was described, not made.</summary>
    WhatIf,
}

/// <summary>One update of a progress bar.</summary>
internal sealed record WorkflowProgress(int Id, string Activity, string Status, int? PercentComplete = null, bool Completed = false);
