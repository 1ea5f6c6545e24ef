using System.Text.Json;

namespace VaultDr.Lab;

/// <summary>
/// A DR secondary's heartbeat: every HeartbeatInterval one call to its primary's <see cref="ReplicationStream"/>,
/// and the walk connecting -> merkle-diff -> merkle-sync -> stream-wals that the answers drive (each step takes
/// StateStepDelay; catching up with new WALs later takes CatchUpDelay). A heartbeat also comes right when the next
/// step is due, and right after the secondary is pointed at a primary, so the walk takes the configured delays and
/// not up to a heartbeat more each step. Tests call <see cref="TickAsync"/> with a manual clock instead of starting
/// the loop. While a merkle tree on either side is corrupt (its replicated tree or root), the diff never comes out
/// clean: the secondary goes round merkle-diff and merkle-sync and never reaches stream-wals. While replication has
/// stopped syncing (the lab's control broke it) the secondary sends nothing and stays idle until recover.
/// </summary>
internal sealed class ReplicationLoop(ClusterState state) : IDisposable
{
    private CancellationTokenSource? _cancellation;
    private Task? _loop;
    private bool _disposed;

    /// <summary>Starts the loop (once).</summary>
    public void Start()
    {
        lock (state.Gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_loop is not null)
            {
                return;
            }

            _cancellation = new CancellationTokenSource();
            var token = _cancellation.Token;
            _loop = Task.Run(() => RunAsync(token), CancellationToken.None);
        }
    }

    /// <summary>Stops the loop and waits (up to 5 s) for the tick in flight.</summary>
    public void Dispose()
    {
        Task? loop;
        lock (state.Gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _cancellation?.Cancel();
            loop = _loop;
        }

        try
        {
            loop?.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The loop ends by cancellation.
        }

        _cancellation?.Dispose();
    }

    /// <summary>One heartbeat: ask the primary, then move the state on from its answer.</summary>
    public async Task TickAsync(CancellationToken cancellationToken)
    {
        LabRequest request;
        Uri target;
        int generation;
        lock (state.Gate)
        {
            if (_disposed || !state.Running || state.Sealed || state.Mode != DrModes.Secondary)
            {
                return;
            }

            state.CatchUpWithClock();
            if (state.Link is not { } link)
            {
                state.SecondaryState = SecondaryStates.Idle;
                return;
            }

            if (state.StreamStopped)
            {
                link.Connected = false;
                state.SecondaryState = SecondaryStates.Idle;
                return;
            }

            if (!Uri.TryCreate(link.ClusterAddress, UriKind.Absolute, out var address))
            {
                state.SecondaryState = SecondaryStates.TransientFailure;
                return;
            }

            target = address;
            generation = state.LinkGeneration;
            request = LabRequest.Create("POST", ReplicationStream.Path, VaultAnswers.Serialize(new OrderedDictionary<string, object?>
            {
                ["secondary_id"] = link.SecondaryId,
                ["credential"] = link.Credential,
                ["cluster_id"] = state.ClusterId,
                ["last_remote_wal"] = state.LastRemoteWal,
                ["merkle_root"] = state.MerkleRoot,
                ["api_address"] = ClusterState.AddressText(state.ApiAddress),
                ["cluster_address"] = ClusterState.AddressText(state.ClusterAddress),
                ["clock_offset_ms"] = (long)state.ClockSkew.TotalMilliseconds,
            }));
        }

        LabResponse? response = null;
        try
        {
            response = await state.Transport.SendAsync(state.Name, target, request, cancellationToken).ConfigureAwait(false);
        }
        catch (LabPeerUnreachableException)
        {
            // Handled below as a failed heartbeat.
        }

        lock (state.Gate)
        {
            if (state.Mode != DrModes.Secondary || state.LinkGeneration != generation || state.Link is not { } link || state.StreamStopped)
            {
                return;
            }

            if (response is null || response.Status != 200)
            {
                Failed(link, response);
                return;
            }

            Heard(link, response);
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await TickAsync(cancellationToken).ConfigureAwait(false);
                Task newLink;
                TimeSpan wait;
                lock (state.Gate)
                {
                    newLink = state.NextNewLink();
                    wait = NextHeartbeatIn(state.Now);
                }

                await Task.WhenAny(Task.Delay(wait, state.Time, cancellationToken), newLink).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The loop must survive any single failed tick.
            catch (Exception)
            {
                // Keep polling; the next tick retries.
            }
#pragma warning restore CA1031
        }
    }

    /// <summary>The heartbeat interval, or less when the next state step is due sooner (call under the lock).</summary>
    internal TimeSpan NextHeartbeatIn(DateTimeOffset now)
    {
        var options = state.Options;
        DateTimeOffset? due = state.SecondaryState switch
        {
            SecondaryStates.Connecting or SecondaryStates.MerkleDiff => state.StateSince + options.StateStepDelay,
            SecondaryStates.MerkleSync when state.InitialSync => state.StateSince + options.StateStepDelay,
            SecondaryStates.MerkleSync when state.CatchUpSince is { } since => since + options.CatchUpDelay,
            _ => null,
        };
        var wait = due is { } at && at - now < options.HeartbeatInterval ? at - now : options.HeartbeatInterval;
        return wait > TimeSpan.Zero ? wait : TimeSpan.FromMilliseconds(1);
    }

    /// <summary>A revoked secondary (403) goes idle; otherwise it retries, as transient_failure once it had connected.</summary>
    private void Failed(PrimaryLink link, LabResponse? response)
    {
        link.Connected = false;
        state.CatchUpSince = null;
        state.InitialSync = false;
        state.SecondaryState = response is { Status: 403 } ? SecondaryStates.Idle
            : link.EverConnected ? SecondaryStates.TransientFailure
            : SecondaryStates.Connecting;
    }

    private void Heard(PrimaryLink link, LabResponse response)
    {
        var now = state.Now;
        using var document = JsonDocument.Parse(response.Json ?? "{}");
        var root = document.RootElement;
        if (state.SecondaryState is not (SecondaryStates.Connecting or SecondaryStates.MerkleDiff or SecondaryStates.MerkleSync or SecondaryStates.StreamWals)
            || !link.EverConnected)
        {
            state.SecondaryState = SecondaryStates.Connecting;
            state.StateSince = now;
        }

        link.Connected = true;
        link.EverConnected = true;
        link.LastHeartbeat = now;
        link.ClockSkew = ReplicationStream.ReadClockOffset(root) - state.ClockSkew;
        link.ApiAddress = root.GetProperty("api_address").GetString() ?? link.ApiAddress;
        link.SeenWal = root.GetProperty("last_wal").GetInt64();
        link.SeenMerkle = root.GetProperty("merkle_root").GetString();
        link.PrimaryTreeCorrupt = root.TryGetProperty("merkle_corrupted", out var corrupted) && corrupted.ValueKind == JsonValueKind.True;
        if (root.GetProperty("store") is { ValueKind: JsonValueKind.Object } store)
        {
            link.PendingStore = store.GetRawText();
        }

        Advance(link, now);
    }

    private void Advance(PrimaryLink link, DateTimeOffset now)
    {
        var elapsed = now - state.StateSince;
        var step = state.Options.StateStepDelay;
        switch (state.SecondaryState)
        {
            case SecondaryStates.Connecting when elapsed >= step:
                Enter(SecondaryStates.MerkleDiff, now);
                break;
            case SecondaryStates.MerkleDiff when elapsed >= step:
                Enter(SecondaryStates.MerkleSync, now);
                state.InitialSync = true;
                break;
            case SecondaryStates.MerkleSync when state.InitialSync && elapsed >= step:
            case SecondaryStates.MerkleSync when !state.InitialSync && state.CatchUpSince is { } since && now - since >= state.Options.CatchUpDelay:
                Adopt(link);
                Enter(DiffIsClean(link) ? SecondaryStates.StreamWals : SecondaryStates.MerkleDiff, now);
                break;
            case SecondaryStates.StreamWals when !DiffIsClean(link):
                Enter(SecondaryStates.MerkleDiff, now);
                break;
            case SecondaryStates.StreamWals when state.IsBehind(link):
                state.CatchUpSince = now;
                state.InitialSync = false;
                Enter(SecondaryStates.MerkleSync, now);
                break;
        }
    }

    /// <summary>False while either side's replicated merkle tree (or root) is corrupt: the merkle diff finds differences again.</summary>
    private bool DiffIsClean(PrimaryLink link) => !state.Merkle.BreaksReplication && !link.PrimaryTreeCorrupt;

    private void Enter(string secondaryState, DateTimeOffset now)
    {
        state.SecondaryState = secondaryState;
        state.StateSince = now;
        if (secondaryState == SecondaryStates.StreamWals)
        {
            state.CatchUpSince = null;
            state.InitialSync = false;
        }
    }

    /// <summary>Applies the primary's store and WAL index: the secondary has caught up.</summary>
    private void Adopt(PrimaryLink link)
    {
        if (link.PendingStore is { } pending)
        {
            state.Store = ReplicatedStore.FromJson(pending);
            state.MerkleRoot = state.Store.MerkleRoot();
            link.PendingStore = null;
        }

        state.LastRemoteWal = link.SeenWal;
        state.LastWal = link.SeenWal;
    }
}
