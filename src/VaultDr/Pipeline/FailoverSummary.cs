using System.Globalization;
using System.Text;

namespace VaultDr.Pipeline;

/// <summary>
/// A failover report as markdown: the outcome, the topology before and after with the Vault versions, the steps with
/// their timings, and what to do next. Azure Pipelines shows it on the run's summary tab (##vso[task.uploadsummary]); -SummaryPath writes it
/// anywhere.
/// </summary>
internal static class FailoverSummary
{
    /// <param name="oldName">The old primary's connection name.</param>
    /// <param name="newName">The new primary's connection name.</param>
    internal static string Markdown(FailoverReport report, string oldName, string newName)
    {
        var outcome = report.WhatIf ? "WHATIF (nothing was changed)" : report.Succeeded ? "SUCCEEDED" : "FAILED";
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"## DR failover {Cell(oldName)} -> {Cell(newName)}: {outcome}");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"{report.Kind} failover, {Seconds(report.Duration)} in all.");
        text.AppendLine();
        text.AppendLine("| Cluster | Before | After |");
        text.AppendLine("| --- | --- | --- |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| {Cell(oldName)} ({report.OldPrimary.Authority}) | {Describe(report.OldPrimaryStatusBefore)} | {Describe(report.OldPrimaryStatus)} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| {Cell(newName)} ({report.NewPrimary.Authority}) | {Describe(report.NewPrimaryStatusBefore)} | {Describe(report.NewPrimaryStatus)} |");
        if (report.OldPrimaryVersion is not null || report.NewPrimaryVersion is not null)
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"Vault versions: {Cell(oldName)} {Cell(report.OldPrimaryVersion ?? "unknown")}, {Cell(newName)} {Cell(report.NewPrimaryVersion ?? "unknown")}.");
        }

        if (report.RaftPeersBefore is { } before)
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"Raft peers of {Cell(newName)}: {Peers(before)} before; {Peers(report.RaftPeersAfter ?? before)} after.");
        }

        text.AppendLine();
        text.AppendLine("| # | Step | Cluster | Status | Time | Detail |");
        text.AppendLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var step in report.Steps)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {step.Number} | {Cell(step.Name)} | {Cell(step.Target)} | {step.Status} | {Seconds(step.Duration)} | {Cell(step.Detail ?? string.Empty)} |");
        }

        if (report.FailedStep is not null || report.NextSafeCommand is not null)
        {
            text.AppendLine();
        }

        if (report.FailedStep is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"**Stopped at** {Cell(report.FailedStep)}: {Cell(report.Error ?? string.Empty)}");
            text.AppendLine();
        }

        if (report.NextSafeCommand is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"**Next:** {Cell(report.NextSafeCommand)}");
        }

        return text.ToString();
    }

    private static string Describe(DrStatus? status) => status is null
        ? "not read"
        : Cell($"{status.Mode}{(status.State is { } state ? $", {state}" : string.Empty)}{Wal(status)}");

    private static string Wal(DrStatus status) => status.IsPrimary && status.LastWal is { } wal ? $", WAL {wal}"
        : status.IsSecondary && status.LastRemoteWal is { } remote ? $", WAL {remote}"
        : string.Empty;

    private static string Peers(IEnumerable<RaftPeer> peers) =>
        Cell(string.Join(", ", peers.Select(p => p.NodeId + (p.Leader ? " (leader)" : p.Voter ? string.Empty : " (non-voter)"))));

    private static string Seconds(TimeSpan duration) => string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:0.0} s");

    private static string Cell(string text) => MarkdownText.Cell(text);
}
