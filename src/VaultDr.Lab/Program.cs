// The lab process: emulated Vault Enterprise DR clusters on loopback (see Hosting/LabProcess.cs for the arguments).
// Clusters are built by ClusterFactory.Create, the single merge point with Cluster/EmulatedCluster.
return await VaultDr.Lab.LabProcess.RunAsync(args, VaultDr.Lab.ClusterFactory.Create).ConfigureAwait(false);
