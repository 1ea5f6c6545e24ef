using VaultDr.Client;

namespace VaultDr.Commands;

/// <summary>
/// The HTTP core's and the workflows' messages, carried to the cmdlet's streams on the pipeline thread by the
/// <see cref="MessagePump"/>. Verbose and debug text is not even built when nobody will see it.
/// </summary>
internal sealed class PumpedCallLog : IVaultCallLog
{
    private readonly MessagePump _pump;
    private readonly CmdletStreams _streams;

    internal PumpedCallLog(MessagePump pump, CmdletStreams streams, bool debugEnabled, bool verboseEnabled)
    {
        _pump = pump;
        _streams = streams;
        DebugEnabled = debugEnabled;
        VerboseEnabled = verboseEnabled;
    }

    public bool DebugEnabled { get; }

    public bool VerboseEnabled { get; }

    public void Verbose(string message)
    {
        if (VerboseEnabled)
        {
            _pump.Post(() => _streams.Verbose(message));
        }
    }

    public void Debug(string message)
    {
        if (DebugEnabled)
        {
            _pump.Post(() => _streams.Debug(message));
        }
    }

    public void Warning(string message) => _pump.Post(() => _streams.Warning(message));
}
