using System.Security;
using VaultDr.Client;

namespace VaultDr.Commands;

/// <summary>The generate-operation-token calls, shared by the single-step cmdlets and New-VaultDrOperationToken.</summary>
internal static class OperationTokenCalls
{
    internal const string AttemptPath = "sys/replication/dr/secondary/generate-operation-token/attempt";
    internal const string UpdatePath = "sys/replication/dr/secondary/generate-operation-token/update";

    internal static OperationTokenProgress ReadProgress(VaultDrCmdlet cmdlet, VaultDrConnection connection) =>
        ResponseParsers.Progress(cmdlet.Send(connection, new VaultRequest(HttpMethod.Get, AttemptPath)));

    /// <summary>
    /// Starts an attempt. Without a PGP key, modern Vault makes the OTP and shows it in this answer only;
    /// Vault before 1.0 needs the caller's own <paramref name="legacyOtp"/> instead.
    /// </summary>
    internal static OperationTokenProgress Start(VaultDrCmdlet cmdlet, VaultDrConnection connection, string? pgpKey, SecureString? legacyOtp = null) =>
        ResponseParsers.Progress(cmdlet.Send(connection, new VaultRequest(HttpMethod.Put, AttemptPath).With("pgp_key", pgpKey).With("otp", legacyOtp)));

    internal static void Cancel(VaultDrCmdlet cmdlet, VaultDrConnection connection) =>
        cmdlet.Send(connection, new VaultRequest(HttpMethod.Delete, AttemptPath));

    internal static OperationTokenProgress Submit(VaultDrCmdlet cmdlet, VaultDrConnection connection, SecureString key, string nonce) =>
        ResponseParsers.Progress(cmdlet.Send(connection, new VaultRequest(HttpMethod.Put, UpdatePath).With("key", key).With("nonce", nonce)));
}
