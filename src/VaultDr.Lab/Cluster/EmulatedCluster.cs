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
            new CapabilitiesEndpoints(_state),
            new ReplicationStatus(_state),
            new PrimaryRole(_state),
            new SecondaryLink(_state, activation, ceremony, new PrimaryAddressUpdate(_state)),
            activation,
            ceremony,
            new MaintenanceEndpoints(_state, ceremony),
            new RaftEndpoints(_state));
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

    /// <summary>The recovery key shares of an auto-unseal cluster, lowercase hex (after secondary enable: the primary's); none with Shamir.</summary>
    public IReadOnlyList<string> RecoveryKeysHex
    {
        get
        {
            lock (_state.Gate)
            {
                return _state.RecoveryKeys.Select(k => LabCrypto.Hex(k)).ToArray();
            }
        }
    }

    /// <summary>The seal type sys/seal-status reports: "shamir", or the KMS seal's with auto-unseal.</summary>
    public string SealType
    {
        get
        {
            lock (_state.Gate)
            {
                return _state.SealType;
            }
        }
    }

    /// <summary>The shares as init with pgp_keys returned them: base64 of each OpenPGP message (empty without PGP keys).</summary>
    public IReadOnlyList<string> EncryptedUnsealKeysBase64 => _state.EncryptedUnsealKeys;

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
            _state.CatchUpWithClock();
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
                _state.MerkleRoot)
            {
                CorruptMerkleTrees = _state.Merkle.CorruptTrees,
                Reindexing = _state.Reindex is not null,
                ReplicationStopped = _state.StreamStopped,
                StatusEndpointsDisabled = _state.StatusEndpointsDisabled,
                RaftPeers = [_state.Raft.LeaderId, .. _state.Raft.Standbys.Select(p => p.NodeId)],
                VaultVersion = _state.Version.Text,
                SealType = _state.SealType,
                RecoverySeal = _state.RecoverySeal,
                EnableUnauthenticatedAccess = [.. _state.UnauthenticatedAccess],
                ClockSkewMs = (long)_state.ClockSkew.TotalMilliseconds,
            };
        }
    }

    /// <summary>The cluster now runs <paramref name="version"/> ("1.17.0", "2.0"), as after an upgrade.</summary>
    public void SetVaultVersion(string version)
    {
        var parsed = VaultVersion.Parse(version);
        lock (_state.Gate)
        {
            _state.Log.Info(_state.Now, $"core: vault is now running version {parsed.Text} (was {_state.Version.Text})");
            _state.Version = parsed;
        }
    }

    /// <summary>
    /// enable_unauthenticated_access as after a SIGHUP reload of the server configuration: the endpoint families that
    /// answer without a Vault token on Vault 2.x (ArgumentException for a family Vault does not know).
    /// </summary>
    public void SetUnauthenticatedAccess(IReadOnlyCollection<string> families)
    {
        ArgumentNullException.ThrowIfNull(families);
        if (families.FirstOrDefault(f => !UnauthenticatedFamilies.All.Contains(f)) is { } unknown)
        {
            throw new ArgumentException($"Unknown endpoint family '{unknown}': use {string.Join(", ", UnauthenticatedFamilies.All)}.");
        }

        lock (_state.Gate)
        {
            _state.UnauthenticatedAccess.Clear();
            _state.UnauthenticatedAccess.UnionWith(families);
            _state.Log.Info(_state.Now, $"core: reloaded configuration: enable_unauthenticated_access=[{string.Join(", ", _state.UnauthenticatedAccess)}]");
        }
    }

    /// <summary>Corrupts one merkle tree: "replicated", "local" or "root" (<see cref="MerkleTrees"/>); a reindex repairs it.</summary>
    public void CorruptMerkleTree(string tree)
    {
        lock (_state.Gate)
        {
            _state.Merkle.Corrupt(tree);
        }
    }

    /// <summary>Repairs every merkle tree at once, as if they had never been corrupt (no reindex, no log line).</summary>
    public void RepairMerkleTrees()
    {
        lock (_state.Gate)
        {
            _state.Merkle.Repair();
        }
    }

    /// <summary>The API listener's disable_replication_status_endpoints.</summary>
    public void SetStatusEndpointsDisabled(bool disabled)
    {
        lock (_state.Gate)
        {
            _state.StatusEndpointsDisabled = disabled;
        }
    }

    /// <summary>
    /// Replication stops syncing, as after an error Vault cannot get past by itself, until sys/replication/recover
    /// (or its DR secondary form): a secondary stops streaming and shows idle; a primary stops serving its secondaries.
    /// </summary>
    /// <exception cref="InvalidOperationException">The cluster has DR replication disabled: there is no stream.</exception>
    public void BreakReplication()
    {
        lock (_state.Gate)
        {
            if (_state.Mode == DrModes.Disabled)
            {
                throw new InvalidOperationException($"{Name} has DR replication disabled: there is no replication stream to break.");
            }

            _state.StreamStopped = true;
            _state.Log.Error(_state.Now, "replication: replication stopped syncing: unrecoverable error on the replication stream; recover with sys/replication/recover");
            if (_state.Mode == DrModes.Secondary)
            {
                if (_state.Link is { } link)
                {
                    link.Connected = false;
                }

                _state.SecondaryState = SecondaryStates.Idle;
                _state.StateSince = _state.Now;
                _state.CatchUpSince = null;
            }
        }
    }

    /// <summary>
    /// The cluster's clock runs <paramref name="skew"/> ahead of the machine's (negative: behind; zero resets): what it
    /// stamps and reports from now on, and the clock_skew_ms its peers see after their next heartbeat.
    /// </summary>
    public void SetClockSkew(TimeSpan skew)
    {
        lock (_state.Gate)
        {
            _state.ClockSkew = skew;
        }
    }

    /// <summary>A standby listening at <paramref name="address"/> joins the raft configuration as a voter; returns its node id.</summary>
    public string AddStandby(Uri address)
    {
        ArgumentNullException.ThrowIfNull(address);
        lock (_state.Gate)
        {
            var nodeId = _state.Raft.AddStandby(address.Authority, _state.Now, _state.LastWal);
            _state.Log.Info(_state.Now, $"storage.raft: added peer to raft configuration: peer={nodeId} address={address.Authority}");
            return nodeId;
        }
    }

    /// <summary>A stopped standby stops answering the leader (a dead peer for autopilot); started, it is back.</summary>
    public void SetStandbyRunning(string nodeId, bool running)
    {
        lock (_state.Gate)
        {
            if (_state.Raft.Find(nodeId) is not { } peer)
            {
                return; // removed from the configuration meanwhile: nothing to tell
            }

            if (running)
            {
                peer.Start(_state.Now);
            }
            else
            {
                peer.Stop(_state.Now, _state.Raft.LogIndex(_state.LastWal));
            }
        }
    }

    /// <summary>The lab took the standby away: it leaves the raft configuration.</summary>
    public void RemoveStandby(string nodeId)
    {
        lock (_state.Gate)
        {
            _state.Raft.Remove(nodeId, _state.LastWal);
        }
    }

    /// <summary>The cluster's server log (maintenance events), oldest first.</summary>
    public IReadOnlyList<LabLogEntry> ReadLog()
    {
        lock (_state.Gate)
        {
            _state.CatchUpWithClock();
            return _state.Log.Snapshot();
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
