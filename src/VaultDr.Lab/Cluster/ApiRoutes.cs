using static VaultDr.Lab.ApiMethods;
using static VaultDr.Lab.DrOperationTokenPlace;
using static VaultDr.Lab.GateExemptions;
using static VaultDr.Lab.RouteAccess;

namespace VaultDr.Lab;

/// <summary>Every path a cluster's API listener (/v1/) serves: who may call it, which gates it passes, who answers.</summary>
internal static class ApiRoutes
{
    private const string Primary = "sys/replication/dr/primary/";
    private const string Secondary = "sys/replication/dr/secondary/";
    private const string OperationToken = Secondary + "generate-operation-token/";
    private const string Raft = "sys/storage/raft/";

    public static RouteTable Build(
        SysEndpoints sys,
        BackendEndpoints backends,
        CapabilitiesEndpoints capabilities,
        ReplicationStatus status,
        PrimaryRole primary,
        SecondaryLink link,
        ActivationTokenRedeemer activation,
        OperationTokenCeremony ceremony,
        MaintenanceEndpoints maintenance,
        RaftEndpoints raft)
    {
        var table = new RouteTable();

        // Unknown paths answer 404, after the gates and a token check: Vault checks the token before it routes.
        // The DR secondary paths need no token (the body's dr_operation_token authorises them).
        table.Area("", Token);
        table.Area(Secondary, Open, DrSecondary);

        // What an operator needs to unseal a cluster and see its state answers while sealed and on a DR secondary.
        table.Exact("sys/health", Open, Sealed | DrSecondary).On(Get | Head, sys.Health);
        table.Exact("sys/seal-status", Open, Sealed | DrSecondary).On(Get, sys.SealStatus);
        table.Exact("sys/unseal", Open, Sealed | DrSecondary).On(Write, sys.Unseal);
        table.Exact("sys/init", Open, Sealed | DrSecondary).On(Get, SysEndpoints.InitStatus).On(Write, SysEndpoints.Init);
        table.Exact("sys/leader", Open, DrSecondary).On(Get, sys.Leader);
        table.Exact("sys/seal", Root).On(Write, sys.Seal);
        table.Exact("sys/config/state/sanitized", Root).On(Get, sys.SanitizedConfig);

        table.Exact("sys/replication/status", Open, DrSecondary).On(Get, status.All);
        table.Exact("sys/replication/dr/status", Open, DrSecondary).On(Get, status.Dr);
        table.Exact("sys/replication/performance/status", Open, DrSecondary).On(Get, status.Performance);

        // Repair paths: with a Vault token anywhere but on a DR secondary (reindex needs sudo: root in the lab), and in
        // a DR secondary form authorised by the body's dr_operation_token.
        table.Exact("sys/replication/reindex", Root).On(Write, maintenance.Reindex);
        table.Exact("sys/replication/merkle-check", Token).On(Write, maintenance.MerkleCheck);
        table.Exact("sys/replication/recover", Token).On(Write, maintenance.Recover);
        table.Exact(Secondary + "reindex", Open, DrSecondary, onlyOnDrSecondary: true).On(Write, maintenance.SecondaryReindex);
        table.Exact(Secondary + "merkle-check", Open, DrSecondary, onlyOnDrSecondary: true).On(Write, maintenance.SecondaryMerkleCheck);
        table.Exact(Secondary + "recover", Open, DrSecondary, onlyOnDrSecondary: true).On(Write, maintenance.SecondaryRecover);

        // Raft: a root token, or on a DR secondary a DR operation token where Vault's CLI sends one (reading the peer
        // list there is a PUT with the token in the body; a GET is refused whatever its token).
        table.Exact(Raft + "configuration", Root).On(Get | Write, raft.Configuration).AcceptsDrOperationToken(Write, Body);
        table.Exact(Raft + "remove-peer", Root).On(Write, raft.RemovePeer).AcceptsDrOperationToken(Write, Body);
        table.Exact(Raft + "autopilot/state", Root).On(Get, raft.AutopilotState).AcceptsDrOperationToken(Get, Header);
        table.Exact(Raft + "autopilot/configuration", Root)
            .On(Get, raft.AutopilotConfiguration).On(Write, raft.SetAutopilotConfiguration)
            .AcceptsDrOperationToken(Get, Header).AcceptsDrOperationToken(Write, Body);

        table.Exact(Primary + "enable", Root).On(Write, primary.Enable);
        table.Exact(Primary + "demote", Root).On(Write, primary.Demote);
        table.Exact(Primary + "disable", Root).On(Write, primary.Disable);
        table.Exact(Primary + "secondary-token", Root).On(Write, primary.SecondaryToken);
        table.Exact(Primary + "revoke-secondary", Root).On(Write, primary.RevokeSecondary);
        table.Exact("sys/wrapping/unwrap", Open).On(Write, primary.Unwrap);

        table.Exact(Secondary + "enable", Token, DrSecondary).On(Write, link.EnableAsync);
        table.Exact(Secondary + "update-primary", Open, DrSecondary, onlyOnDrSecondary: true).On(Write, link.UpdatePrimaryAsync);
        table.Exact(Secondary + "promote", Open, DrSecondary, onlyOnDrSecondary: true).On(Write, link.Promote);
        table.Exact(Secondary + "disable", Open, DrSecondary, onlyOnDrSecondary: true).On(Write, link.Disable);
        table.Exact(Secondary + "generate-public-key", Token, DrSecondary).On(Write, activation.GeneratePublicKey);

        table.Exact(OperationToken + "attempt", TokenOnVault2, DrSecondary, onlyOnDrSecondary: true)
            .On(Get, ceremony.AttemptStatus).On(Write, ceremony.Start).On(Delete, ceremony.Cancel);
        table.Exact(OperationToken + "update", TokenOnVault2, DrSecondary, onlyOnDrSecondary: true).On(Write, ceremony.Update);
        table.Exact(Secondary + "operation-token/delete", Open, DrSecondary, onlyOnDrSecondary: true).On(Write, ceremony.Delete);

        table.Prefix("secret/", Token).On(Get, backends.ReadSecret).On(Write, backends.WriteSecret).On(Delete, backends.DeleteSecret);
        foreach (var policies in new[] { "sys/policies/acl/", "sys/policy/" })
        {
            table.Prefix(policies, Root).On(Get, backends.ReadPolicy).On(Write, backends.WritePolicy).On(Delete, backends.DeletePolicy);
        }

        table.Prefix("auth/token/roles/", Root).On(Get, backends.ReadTokenRole).On(Write, backends.WriteTokenRole);
        table.Exact("auth/token/create", Token).On(Write, backends.CreateToken);
        table.Prefix("auth/token/create/", Token).On(Write, backends.CreateToken);
        table.Exact("auth/token/lookup-self", Token).On(Get, backends.LookupSelf);

        // What a token may do where: the caller's own token, or (for any valid caller) the body's.
        table.Exact("sys/capabilities-self", Token).On(Write, capabilities.Self);
        table.Exact("sys/capabilities", Token).On(Write, capabilities.Other);
        return table;
    }
}
