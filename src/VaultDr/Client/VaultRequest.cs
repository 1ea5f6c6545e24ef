using System.Security;
using System.Text;
using System.Text.Json;

namespace VaultDr.Client;

/// <summary>One call to Vault: method, path under /v1/, and the JSON body fields.</summary>
internal sealed class VaultRequest
{
    private readonly List<KeyValuePair<string, object>> _fields = new();
    private readonly HashSet<int> _accepted = new();

    public VaultRequest(HttpMethod method, string path)
        : this(method, path, underApi: true)
    {
    }

    private VaultRequest(HttpMethod method, string path, bool underApi)
    {
        Method = method;
        Path = path.TrimStart('/');
        UrlPath = underApi ? "v1/" + Path : Path;
    }

    /// <summary>A call to the lab's control API, which is not under /v1/.</summary>
    public static VaultRequest LabControl(HttpMethod method, string path) => new(method, path, underApi: false);

    public HttpMethod Method { get; }

    /// <summary>Path below /v1/, e.g. <c>sys/replication/dr/status</c>.</summary>
    public string Path { get; }

    /// <summary>The path relative to the server's address, e.g. <c>v1/sys/replication/dr/status</c>.</summary>
    public string UrlPath { get; }

    public bool ChangesState => Method != HttpMethod.Get;

    public IReadOnlyList<KeyValuePair<string, object>> Fields => _fields;

    /// <summary>Sent as X-Vault-Token instead of the connection's token; null: the connection's token.</summary>
    public SecureString? Token { get; private set; }

    /// <summary>
    /// Authenticates this call with <paramref name="token"/> instead of the connection's Vault token (a DR secondary's
    /// autopilot reads take the DR operation token in X-Vault-Token, as Vault's own client sends it).
    /// </summary>
    public VaultRequest AuthenticatedBy(SecureString? token)
    {
        Token = token;
        return this;
    }

    /// <summary>
    /// Non-2xx statuses that are answers, not errors, for this call (sys/health reports the node's role
    /// through its status code). They are never retried. A body with Vault's errors array is still an error.
    /// </summary>
    public VaultRequest Accepting(params int[] statuses)
    {
        _accepted.UnionWith(statuses);
        return this;
    }

    internal bool Accepts(int status) => _accepted.Contains(status);

    /// <summary>Adds a body field. Null values are left out, so Vault applies its own default.</summary>
    public VaultRequest With(string name, object? value)
    {
        if (value is not null)
        {
            _fields.Add(new KeyValuePair<string, object>(name, value));
        }

        return this;
    }

    /// <summary>
    /// The JSON body. Every state-changing call carries one (at least <c>{}</c>): .NET may silently
    /// re-send a body-less request whose pooled connection died, and a promote must never go twice.
    /// </summary>
    internal string? BuildBody(ICollection<string> revealedSecrets)
    {
        if (!ChangesState)
        {
            return null;
        }

        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in _fields)
            {
                writer.WritePropertyName(name);
                WriteValue(writer, value, revealedSecrets);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The body as it may be shown in debug output: secret values masked.</summary>
    internal string? DescribeBody()
    {
        if (!ChangesState)
        {
            return null;
        }

        var parts = _fields.Select(f =>
            $"\"{f.Key}\":" + (f.Value is SecureString || Redaction.IsSecretField(f.Key) ? $"\"{Redaction.Mask}\"" : JsonSerializer.Serialize(f.Value)));
        return "{" + string.Join(",", parts) + "}";
    }

    private static void WriteValue(Utf8JsonWriter writer, object value, ICollection<string> revealedSecrets)
    {
        switch (value)
        {
            case SecureString secret:
                var plain = SecretText.Reveal(secret);
                revealedSecrets.Add(plain);
                writer.WriteStringValue(plain);
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case int number:
                writer.WriteNumberValue(number);
                break;
            case long number:
                writer.WriteNumberValue(number);
                break;
            case IEnumerable<string> list:
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    writer.WriteStringValue(item);
                }

                writer.WriteEndArray();
                break;
            default:
                throw new InvalidOperationException($"Body field type {value.GetType().Name} is not supported.");
        }
    }
}
