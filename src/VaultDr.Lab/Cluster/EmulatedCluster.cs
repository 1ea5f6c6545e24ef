namespace VaultDr.Lab;

/// <summary>
/// One emulated Vault Enterprise cluster with DR replication, as the host sees it. Its state is one
/// <see cref="ClusterState"/>; the role classes answer from it through two route tables, the API listener's
/// (<see cref="ApiRoutes"/>) and the cluster listener's (<see cref="ReplicationStream"/>), and a
/// <see cref="ReplicationLoop"/> keeps a secondary in step with its primary. Thread-safe: every state change happens
/// under the state's one lock, which is never held across a peer call.
/// </summary>
public sealed class EmulatedCluster : ILabClusterNode, IDisposable
{
    private readonly ClusterState _state;
    private readonly Router _api;
    private readonly Router _clusterListener;
    private int _disposed;

    public EmulatedCluster(string name, LabOptions options, IPeerTransport transport, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(time);
        if (options.KeyShares < 1 || options.KeyThreshold < 1 || options.KeyThreshold > options.KeyShares)
        {
            throw new ArgumentException("KeyThreshold must be between 1 and KeyShares.", nameof(options));
        }

        _state = new ClusterState(name, options, transport, time);
        var activation = new ActivationTokenRedeemer(_state);
        var ceremony = new OperationTokenCeremony(_state);
        var apiRoutes = ApiRoutes.Build(
            new SysEndpoints(_state),
            new BackendEndpoints(_state),
            new ReplicationStatus(_state),
            new PrimaryRole(_state),
            new SecondaryLink(_state, activation, ceremony),
            activation,
            ceremony);
        _api = new Router(_state, apiRoutes, "/v1/");
        _clusterListener = new Router(_state, new ReplicationStream(_state).Routes(), "/");
        Loop = new ReplicationLoop(_state);
    }

    public string Name => _state.Name;

    /// <summary>The API listener's address (set by the host after binding).</summary>
    public Uri ApiAddress
    {
        get => _state.ApiAddress;
        set => _state.ApiAddress = value;
    }

    /// <summary>The cluster (replication) listener's address (set by the host after binding).</summary>
    public Uri ClusterAddress
    {
        get => _state.ClusterAddress;
        set => _state.ClusterAddress = value;
    }

    /// <summary>False while the host has the cluster stopped: no outgoing replication traffic.</summary>
    public bool Running
    {
        get => _state.Running;
        set => _state.Running = value;
    }

    /// <summary>The current root token (after secondary enable: the primary's).</summary>
    public string RootToken
    {
        get
        {
            lock (_state.Gate)
            {
                return _state.RootToken;
            }
        }
    }

    /// <summary>The current unseal key shares, lowercase hex (after secondary enable: the primary's).</summary>
    public IReadOnlyList<string> UnsealKeysHex
    {
        get
        {
            lock (_state.Gate)
            {
                return _state.UnsealKeys.Select(k => LabCrypto.Hex(k)).ToArray();
            }
        }
    }

    /// <summary>The current unseal key shares, standard base64.</summary>
    public IReadOnlyList<string> UnsealKeysBase64
    {
        get
        {
            lock (_state.Gate)
            {
                return _state.UnsealKeys.Select(Convert.ToBase64String).ToArray();
            }
        }
    }

    public bool Sealed
    {
        get
        {
            lock (_state.Gate)
            {
                return _state.Sealed;
            }
        }
    }

    /// <summary>The heartbeat loop; tests drive its ticks with a manual clock.</summary>
    internal ReplicationLoop Loop { get; }

    /// <summary>When this secondary's next heartbeat comes (for tests of the loop's timing).</summary>
    internal TimeSpan NextHeartbeatIn()
    {
        lock (_state.Gate)
        {
            return Loop.NextHeartbeatIn(_state.Now);
        }
    }

    /// <summary>Fires when this secondary is next pointed at a primary.</summary>
    internal Task NextNewLink()
    {
        lock (_state.Gate)
        {
            return _state.NextNewLink();
        }
    }

    /// <summary>The API listener's routes, for tests that walk every path.</summary>
    internal RouteTable ApiRouteTable => _api.Routes;

    /// <summary>The cluster listener's routes.</summary>
    internal RouteTable ClusterRouteTable => _clusterListener.Routes;

    public void Seal()
    {
        lock (_state.Gate)
        {
            _state.SealNow();
        }
    }

    /// <summary>Unseals at once (the control API's unseal; sys/unseal takes key shares).</summary>
    public void Unseal()
    {
        lock (_state.Gate)
        {
            _state.Sealed = false;
            _state.UnsealProgress.Clear();
        }
    }

    public EmulatedClusterSnapshot Describe()
    {
        lock (_state.Gate)
        {
            return new EmulatedClusterSnapshot(
                Name,
                ApiAddress,
                ClusterAddress,
                Running,
                _state.Sealed,
                _state.Mode,
                _state.StateText,
                _state.ClusterId,
                _state.LastWal,
                _state.LastRemoteWal,
                _state.MerkleRoot);
        }
    }

    object ILabClusterNode.Describe() => Describe();

    /// <summary>Starts the replication loop (a secondary polls its primary every HeartbeatInterval).</summary>
    public void StartBackground() => Loop.Start();

    /// <summary>Handles a request on the API listener (paths start with /v1/).</summary>
    public Task<LabResponse> HandleApiAsync(LabRequest request, CancellationToken ct) => _api.HandleAsync(request, ct);

    /// <summary>Handles replication traffic on the cluster listener.</summary>
    public Task<LabResponse> HandleClusterAsync(LabRequest request, CancellationToken ct) => _clusterListener.HandleAsync(request, ct);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Loop.Dispose();
        _state.Dispose();
    }
}
