namespace VaultDr.Lab;

/// <summary>
/// Every text the emulated clusters answer with, in one place. Texts taken from the facts file
/// (/work/shared/reference/vault-dr-facts.md) or the API page are marked CONFIRMED by their source;
/// texts chosen here because the references do not give them are marked UNCONFIRMED.
/// </summary>
internal static class VaultMessages
{
    // --- Generic (facts file: Errors) ---------------------------------------------------------
    public const string PermissionDenied = "permission denied";
    public const string UnsupportedOperation = "unsupported operation";
    public const string Sealed = "Vault is sealed";
    public const string PathDisabledOnDrSecondary = "path disabled in replication DR secondary mode";

    // --- Warnings (facts file) ---------------------------------------------------------------
    public const string PrimaryEnableWarning = "This cluster is being enabled as a primary for replication. Vault will be unavailable for a brief period and will resume service shortly.";
    public const string PromoteWarning = "This cluster is being promoted to a replication primary. Vault will be unavailable for a brief period and will resume service shortly.";
    public const string SecondaryEnableWarning = "Vault has successfully found secondary information; it may take a while to perform setup tasks. Vault will be unavailable until these tasks and initial sync complete.";

    // UNCONFIRMED: demote / disable warnings follow the pattern of the confirmed ones.
    public const string DemoteWarning = "This cluster is being demoted to a replication secondary. Vault will be unavailable for a brief period and will resume service shortly.";
    public const string DisableWarning = "This cluster is having replication disabled. Vault will be unavailable for a brief period and will resume service shortly.";

    // UNCONFIRMED: update-primary reuses the secondary-enable warning (it goes through the same setup).
    public const string UpdatePrimaryWarning = SecondaryEnableWarning;

    // --- Replication errors ------------------------------------------------------------------
    public const string NotADrSecondary = "Not a DR secondary."; // facts file
    public const string OperationTokenNotProvided = "DR operation token was not provided"; // facts file
    public const string MissingSecondaryId = "missing secondary id"; // brief

    // UNCONFIRMED
    public const string AlreadyPrimary = "DR replication is already enabled as a primary on this cluster";

    // UNCONFIRMED (unreachable in practice: on a DR secondary the path filter answers first, as the facts file requires)
    public const string CannotEnablePrimaryOnSecondary = "cannot enable as a DR primary while a DR secondary; promote it instead";

    // UNCONFIRMED
    public const string NotADrPrimary = "this cluster is not a DR primary";

    // UNCONFIRMED
    public const string SecondaryIdInUse = "a secondary with this ID already exists; revoke it or choose another ID";

    // UNCONFIRMED
    public const string CannotEnableSecondaryOnPrimary = "cannot enable as a DR secondary while a DR primary; demote or disable it first";

    // UNCONFIRMED
    public const string AlreadySecondary = "this cluster is already a DR secondary; use update-primary to change its primary";

    // UNCONFIRMED
    public const string MissingActivationToken = "missing secondary activation token";

    // UNCONFIRMED: an activation token that is neither a JWT nor decryptable with this cluster's key.
    public const string BadActivationToken = "error decoding secondary activation token: token is neither a wrapping token nor encrypted for this cluster's public key";

    // UNCONFIRMED: no address to unwrap at (no addr claim and no primary_api_addr).
    public const string NoUnwrapAddress = "error unwrapping secondary token: no primary API address in the token and primary_api_addr not set";

    /// <summary>Facts file: "error response unwrapping secondary token; status code is 400, message is ...".</summary>
    public static string UnwrapErrorResponse(int status, string message) =>
        $"error response unwrapping secondary token; status code is {status}, message is {message}";

    /// <summary>UNCONFIRMED: Go-style connection error from the unwrap call.</summary>
    public static string UnwrapConnectionError(string url, string reason) =>
        $"error unwrapping secondary token: Put \"{url}\": {reason}";

    // UNCONFIRMED
    public const string ClusterIdMismatch = "the new primary belongs to a different replication cluster (cluster_id mismatch); a DR secondary can only follow a primary of its own cluster";

    // UNCONFIRMED
    public const string InvalidOperationToken = "invalid DR operation token";

    // UNCONFIRMED (503: promote while not caught up, retry or force)
    public const string PromoteNotCaughtUp = "cannot promote: this DR secondary has not finished syncing with its primary; retry when its state is stream-wals, or set force to true";

    // UNCONFIRMED
    public const string PublicKeyNotGenerated = "no secondary public key has been generated on this cluster";

    // Facts file: unwrapping an invalid / expired / used wrapping token.
    public const string WrappingTokenInvalid = "wrapping token is not valid or does not exist";

    // UNCONFIRMED: Vault's duration parse error shape.
    public static string InvalidTtl(string value) => $"error parsing ttl: time: invalid duration \"{value}\"";

    // UNCONFIRMED
    public const string InvalidSecondaryPublicKey = "error parsing secondary_public_key: not a valid public key";

    // --- Maintenance: reindex, merkle check, recover (maintenance facts file, sections 1 to 3) ---
    // UNCONFIRMED: the facts give the answer's shape ({"warnings":[...]}) but not its text; worded like the confirmed warnings.
    public const string ReindexWarning = "Reindexing of the replication merkle trees has started. The replication status reports its progress (reindex_stage); Vault may be briefly unavailable during the wal-replay and commit stages.";

    // UNCONFIRMED: the facts' description of skip_flush, as a warning.
    public const string ReindexSkipFlushWarning = "skip_flush is set: the tree flushing stage is skipped, so a new reindex may need to be done.";

    // UNCONFIRMED: a second reindex while one runs.
    public const string ReindexInProgress = "a reindex is already in progress";

    // UNCONFIRMED: the facts give the answer's shape ({"warnings":[...]}) but not its text.
    public const string RecoverWarning = "Replication recovery has been triggered: the replication stream restarts. Check the replication status for its progress.";

    // UNCONFIRMED: recover on a cluster with DR replication disabled.
    public const string ReplicationNotEnabled = "replication is not enabled on this cluster";

    // UNCONFIRMED (third-party KB, not HashiCorp): Vault's log line when a secondary's reindex cannot fix a corrupt primary.
    public const string IrreconcilableAfterReindex = "state is still irreconcilable after reindex, try reindexing primary cluster";

    // --- disable_replication_status_endpoints (maintenance facts file, section 10) ---------------
    // CONFIRMED by the UI's mock (404 with this text); the real server's status code is UNCONFIRMED.
    public const string DisabledPath = "disabled path";

    // --- Raft and autopilot (maintenance facts file, section 4) -----------------------------------
    // Vault's vault/logical_raft.go (open source; not quoted in the facts file).
    public const string NoServerIdProvided = "no server id provided";

    // UNCONFIRMED: Vault's raft library would let the leader step down; the lab refuses, as the brief asks.
    public static string CannotRemoveLeader(string nodeId) =>
        $"cannot remove the raft leader \"{nodeId}\": it is the active node; step it down or remove a standby instead";

    // Vault's vault/logical_raft.go (open source; not quoted in the facts file).
    public static string MinQuorumRequired(bool cleanupDeadServers, long minQuorum) =>
        $"min_quorum must be set when cleanup_dead_servers is set and it should at least be 3; cleanup_dead_servers: {(cleanupDeadServers ? "true" : "false")}, min_quorum: 0x{minQuorum:x}";

    // Vault's vault/logical_raft.go (open source; not quoted in the facts file): "received" is the field as sent, or <nil>.
    public static string DeadServerThresholdTooShort(string received) =>
        $"dead_server_last_contact_threshold should not be set to less than 1m; received: {received}";

    // UNCONFIRMED: Vault's field parser error, in Go's words.
    public static string InvalidField(string field, string value, string expected) =>
        $"error converting input {value} for field \"{field}\": {expected}";

    // --- update-primary with update_primary_addrs (maintenance facts file, section 5) ------------
    // UNCONFIRMED: the facts say the two methods are mutually exclusive, not in which words.
    public const string TokenAndPrimaryAddrsExclusive = "token and update_primary_addrs are mutually exclusive: use token (a secondary activation token) on a DR secondary, or update_primary_addrs to re-point it at its primary's addresses";

    // UNCONFIRMED: the facts say this is not allowed after a DR failover, not in which words.
    public const string PrimaryAddrsAfterFailover = "updating with cluster addresses is not allowed on a newly demoted DR secondary after a DR failover; an activation token from the new primary is required (token)";

    // UNCONFIRMED: a secondary that never joined a primary has no secondary id to reconnect with.
    public const string PrimaryAddrsWithoutActivation = "this DR secondary has never been activated: enable it, or update it with a secondary activation token (token)";

    // UNCONFIRMED: no address answered the ping.
    public static string PrimaryAddrsUnreachable(string details) => $"none of the update_primary_addrs answered as this cluster's primary: {details}";

    // --- Generate operation token (facts file) ------------------------------------------------
    public const string RootGenerationInProgress = "root generation already in progress";
    public const string NoRootGenerationInProgress = "no root generation in progress";
    public const string KeyAlreadyProvided = "given key has already been provided during this generation operation";
    public const string KeyNotHexOrBase64 = "'key' must be a valid hex or base64 string";

    public static string IncorrectNonce(string nonce) =>
        $"incorrect nonce supplied; nonce for this root generation operation is \"{nonce}\"";

    // Vault's HTTP handler texts (http/sys_generate_root.go); UNCONFIRMED for the DR variant.
    public const string KeyMustBeSpecified = "'key' must be specified in request body as JSON";

    // A wrong share shows only when the shares are combined at the threshold; the progress is reset. The chains are
    // read from open-source Vault (vault/generate_root.go: "root generation aborted: %w", whose authenticate wraps
    // "unable to authenticate: %w" around the seal manager's unsealKeyToRootKey; the Shamir seal fails to decrypt its
    // stored root key, an auto-unseal seal's VerifyRecoveryKey says the recovery key does not match). UNCONFIRMED for
    // the DR variant of the endpoint (Enterprise source), and Vault's status code for it (400 here, as
    // HandleSysGenerateRootUpdate answers every GenerateRootUpdate error).
    public const string UnsealKeySharesRefused =
        "root generation aborted: unable to authenticate: unable to retrieve stored keys: failed to decrypt encrypted stored keys: cipher: message authentication failed";

    public const string RecoveryKeySharesRefused =
        "root generation aborted: unable to authenticate: recovery key verification failed: recovery key does not match submitted values";

    // UNCONFIRMED: pre-1.0 Vault needs the caller's OTP (or a PGP key).
    public const string LegacyOtpRequired = "the OTP must be provided: base64 of 16 random bytes, or a pgp_key";

    // UNCONFIRMED
    public const string LegacyOtpInvalid = "the OTP must be the base64 encoding of 16 bytes";

    // --- PGP (maintenance facts file, section 7) -------------------------------------------------
    // The prefix "error parsing PGP key: " is CONFIRMED (facts file); the wrapped text is helper/pgpkeys' ("error decoding
    // given PGP key: " + Go's base64 error), read in Vault's source; the byte offset for a wrongly padded value is UNCONFIRMED.
    public static string PgpKeyNotBase64(int badByte) =>
        $"error parsing PGP key: error decoding given PGP key: illegal base64 data at input byte {badByte}";

    // Prefix CONFIRMED (facts file); "error parsing given PGP key: " + Go's openpgp error as helper/pgpkeys wraps it
    // (Vault's source). Go's texts for a first byte without its top bit and a first packet that is no key are exact;
    // for other damage the lab gives BouncyCastle's words (UNCONFIRMED).
    public static string PgpKeyUnparsable(string detail) => $"error parsing PGP key: error parsing given PGP key: {detail}";

    // UNCONFIRMED for the DR endpoint: the text of sys/generate-root's handler (Vault's source) when both are given; newer
    // servers may let the otp win silently. VaultDr never sends both.
    public const string OtpAndPgpKey = "only one of \"otp\" and \"pgp_key\" must be specified";

    // UNCONFIRMED: how roottoken.EncodeToken (Vault's source) words a key that cannot encrypt, found only when the token
    // is encrypted at the last key share; Go's openpgp text follows.
    public static string PgpTokenEncryptionFailed(string detail) => $"error encrypting new root token: error setting up encryption for PGP message: {detail}";

    // CONFIRMED (facts file, operator init -pgp-keys): one key per share.
    public const string IncorrectNumberOfPgpKeys = "incorrect number of PGP keys";

    // --- Unseal (Vault http/sys_seal.go) ------------------------------------------------------
    public const string UnsealKeyOrReset = "'key' must be specified in request body as JSON, or 'reset' set to true";

    // UNCONFIRMED: a wrong share detected at the threshold.
    public const string UnsealFailed = "failed to unseal: cipher: message authentication failed";

    // UNCONFIRMED: sys/unseal of an auto-unseal cluster takes recovery keys (open-source Vault's ErrInvalidKey around
    // the seal's VerifyRecoveryKey error).
    public const string RecoveryUnsealFailed = "invalid key: failed to verify recovery key: recovery key does not match submitted values";

    // UNCONFIRMED
    public const string AlreadyInitialized = "Vault is already initialized";

    // --- KV / token / policy -------------------------------------------------------------------
    // UNCONFIRMED (Vault's KV v1 text for a non-object body)
    public const string KvBodyNotObject = "no data provided";

    // UNCONFIRMED
    public const string MissingPolicy = "'policy' parameter not supplied or empty";

    // UNCONFIRMED: Vault's prefix; what follows is the lab's own parser's description, not HCL's.
    public static string PolicyParseFailed(string detail) => $"failed to parse policy: {detail}";

    // UNCONFIRMED
    public static string UnknownRole(string role) => $"unknown role {role}";

    // --- sys/capabilities, sys/capabilities-self ----------------------------------------------------
    // UNCONFIRMED: the texts of Vault's capabilities handler as we read it (logical_system.go / capabilities.go); a
    // token that is not valid in sys/capabilities' body is a 400 there, while an invalid X-Vault-Token (the token of
    // sys/capabilities-self) meets the usual 403 permission denied first. The answer's shape (each path keyed to its
    // sorted list, "capabilities" for a single path, in data and at the top level) is also taken as unconfirmed.
    public const string CapabilitiesPathsMissing = "paths must be supplied";

    // UNCONFIRMED (see above)
    public const string CapabilitiesInvalidToken = "invalid token";
}
