namespace VaultDr.Pipeline;

/// <summary>Text made safe for the markdown summaries VaultDr writes.</summary>
internal static class MarkdownText
{
    /// <summary>A table cell holds one line, and a pipe would end it.</summary>
    internal static string Cell(string text) =>
        text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\r", string.Empty, StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
