namespace VaultDr.Client;

/// <summary>
/// Where the HTTP core reports what it does. Calls run off the pipeline thread; the cmdlet base class
/// relays these messages to WriteVerbose/WriteDebug/WriteWarning on the pipeline thread.
/// Nothing written here may contain a secret.
/// </summary>
internal interface IVaultCallLog
{
    /// <summary>
    /// False when nobody will see debug messages: debug text (a redacted copy of every answer) is then
    /// not built at all, which is most of the per-call cost of logging.
    /// </summary>
    bool DebugEnabled => true;

    /// <summary>False when nobody will see verbose messages: the per-attempt line is then not formatted.</summary>
    bool VerboseEnabled => true;

    void Verbose(string message);

    void Debug(string message);

    void Warning(string message);
}

/// <summary>A log that drops everything (for callers with nowhere to report).</summary>
internal sealed class NullCallLog : IVaultCallLog
{
    internal static readonly NullCallLog Instance = new();

    public bool DebugEnabled => false;

    public bool VerboseEnabled => false;

    public void Verbose(string message)
    {
    }

    public void Debug(string message)
    {
    }

    public void Warning(string message)
    {
    }
}
