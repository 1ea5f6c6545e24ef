namespace VaultDr.Tokens;

/// <summary>
/// The claims of a DR activation (secondary) token, read but not verified. Any claim the token
/// does not carry is null.
/// </summary>
/// <param name="Address">The <c>addr</c> claim: the API address of the primary that issued the token.</param>
/// <param name="ExpiresAt">The <c>exp</c> claim.</param>
/// <param name="IssuedAt">The <c>iat</c> claim.</param>
/// <param name="Id">The <c>jti</c> claim, a UUID.</param>
/// <param name="Type">The <c>type</c> claim, "wrapping" for a response-wrapped activation token.</param>
internal sealed record ActivationTokenClaims(
    string? Address,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? IssuedAt,
    string? Id,
    string? Type);
