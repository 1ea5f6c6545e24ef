using System.Globalization;
using System.Text;
using static VaultDr.Pipeline.MarkdownText;

namespace VaultDr.Pipeline;

/// <summary>
/// Readiness reports as markdown for the run's summary tab (##vso[task.uploadsummary]): the verdict, then a table of
/// the checks of each secondary.
/// </summary>
internal static class ReadinessSummary
{
    internal static string Markdown(IReadOnlyList<ReadinessReport> reports)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"## DR readiness: {Verdict(Overall(reports))}");
        foreach (var report in reports)
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"### {Cell(report.PrimaryName)} -> {Cell(report.SecondaryName)}: {Verdict(report.Result)}");
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"Checked {report.CheckedAt.ToUniversalTime():yyyy-MM-dd HH:mm:ss} UTC: {Count(report, ReadinessResult.Fail)} failed, {Count(report, ReadinessResult.Warn)} warned, {Count(report, ReadinessResult.Pass)} passed, {Count(report, ReadinessResult.Skipped)} skipped.");
            text.AppendLine();
            text.AppendLine("| Check | Cluster | Result | Value | Threshold | What to do |");
            text.AppendLine("| --- | --- | --- | --- | --- | --- |");
            foreach (var check in report.Checks)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"| {Cell(check.Name)} | {Cell(check.Cluster)} | {Mark(check.Result)} | {Cell(check.Value ?? string.Empty)} | {Cell(check.Threshold ?? string.Empty)} | {Cell(check.Message)} |");
            }
        }

        return text.ToString();
    }

    /// <summary>The worst result of all the reports: Fail over Warn over Pass.</summary>
    internal static ReadinessResult Overall(IEnumerable<ReadinessReport> reports)
    {
        var results = reports.Select(r => r.Result).ToArray();
        return results.Contains(ReadinessResult.Fail) ? ReadinessResult.Fail : results.Contains(ReadinessResult.Warn) ? ReadinessResult.Warn : ReadinessResult.Pass;
    }

    private static string Verdict(ReadinessResult result) => result switch
    {
        ReadinessResult.Fail => "NOT READY",
        ReadinessResult.Warn => "READY, WITH WARNINGS",
        _ => "READY",
    };

    private static string Mark(ReadinessResult result) => result switch
    {
        ReadinessResult.Fail => "**FAIL**",
        ReadinessResult.Warn => "WARN",
        ReadinessResult.Pass => "PASS",
        _ => "skipped",
    };

    private static int Count(ReadinessReport report, ReadinessResult result) => report.Checks.Count(c => c.Result == result);
}
