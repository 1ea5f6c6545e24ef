using VaultDr.Orchestration;
using VaultDr.Tests.Client;

namespace VaultDr.Tests.Orchestration;

/// <summary>
/// What a workflow sees of its runner in a test: a recording log, confirmations answered by a rule (yes, by
/// default) and recorded, progress and sections recorded, and a <see cref="SteppingClock"/>.
/// </summary>
internal sealed class WorkflowTestHost
{
    internal WorkflowTestHost(SteppingClock clock) => Clock = clock;

    internal SteppingClock Clock { get; }

    internal RecordingCallLog Log { get; } = new();

    /// <summary>How each confirmation is answered, from the target and the action.</summary>
    internal Func<string, string, Confirmation> Answer { get; set; } = (_, _) => Confirmation.Proceed;

    internal List<(string Target, string Action)> Confirmations { get; } = [];

    internal List<WorkflowProgress> Progress { get; } = [];

    internal List<string?> Sections { get; } = [];

    internal WorkflowHost Host => new(
        Log,
        (target, action) =>
        {
            Confirmations.Add((target, action));
            return Task.FromResult(Answer(target, action));
        },
        Progress.Add,
        Clock,
        Sections.Add);
}
