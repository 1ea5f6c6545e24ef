using System.Collections;
using System.Runtime.CompilerServices;

namespace VaultDr.TestServer;

// The scripting side of the stub: the rules a test adds, checked as they are added so that a mistake fails
// the test that made it rather than some later request; and the lookup that uses them up.
public sealed partial class StubVaultServer
{
    private readonly List<StubRule> _rules = [];

    /// <summary>Answers <paramref name="times"/> matching requests with <paramref name="status"/> and the JSON body.</summary>
    [OverloadResolutionPriority(1)]
    public StubVaultServer Respond(string method, string path, int status, string? jsonBody = null, int times = int.MaxValue, IDictionary<string, string>? headers = null) =>
        AddRule(Answer(method, path, status, jsonBody, times, headers: CheckHeaders(headers?.ToList() ?? [])));

    /// <summary>The same as the other overload, for PowerShell hashtables and other non-generic dictionaries.</summary>
    public StubVaultServer Respond(string method, string path, int status, string? jsonBody, int times, IDictionary? headers) =>
        Respond(method, path, status, jsonBody, times, ToStringDictionary(headers));

    /// <summary>
    /// Answers like <see cref="Respond(string, string, int, string?, int, IDictionary{string, string}?)"/>, but sends the
    /// body with chunked transfer coding, so the client cannot know its length before reading it.
    /// </summary>
    public StubVaultServer RespondChunked(string method, string path, int status, string jsonBody, int times = 1) =>
        AddRule(Answer(method, path, status, jsonBody, times, chunked: true));

    /// <summary>Reads and records the request, then resets the connection without writing a byte.</summary>
    public StubVaultServer Drop(string method, string path, int times = 1) =>
        AddRule(new StubRule { Method = method, Path = path, Action = StubAction.Drop, Remaining = CheckTimes(times) });

    /// <summary>Writes the head of a 200 that promises 100 body bytes, then closes the connection.</summary>
    public StubVaultServer DropAfterHeaders(string method, string path, int times = 1) =>
        AddRule(new StubRule { Method = method, Path = path, Action = StubAction.DropAfterHeaders, Remaining = CheckTimes(times) });

    /// <summary>Answers after <paramref name="delay"/> without holding up other connections; Dispose cuts the wait short.</summary>
    public StubVaultServer Delay(string method, string path, TimeSpan delay, int status = 200, string? jsonBody = null, int times = 1)
    {
        if (delay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(delay), delay, "The delay cannot be negative.");
        }
        return AddRule(Answer(method, path, status, jsonBody, times, delay: delay));
    }

    /// <summary>A checked rule that writes a complete answer.</summary>
    private static StubRule Answer(
        string method, string path, int status, string? jsonBody, int times,
        List<KeyValuePair<string, string>>? headers = null, TimeSpan delay = default, bool chunked = false) =>
        new()
        {
            Method = method,
            Path = path,
            Action = StubAction.Answer,
            Status = CheckStatus(status, jsonBody),
            JsonBody = jsonBody,
            Headers = headers ?? [],
            Delay = delay,
            Chunked = chunked,
            Remaining = CheckTimes(times),
        };

    /// <summary>Answers with a bodiless redirect to <paramref name="location"/>.</summary>
    public StubVaultServer Redirect(string method, string path, string location, int status = 307, int times = 1)
    {
        if (status is < 300 or > 399)
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "A redirect status is 3xx.");
        }
        return AddRule(new StubRule
        {
            Method = method,
            Path = path,
            Action = StubAction.Answer,
            Status = status,
            Headers = CheckHeaders([new("Location", location)]),
            Remaining = CheckTimes(times),
        });
    }

    private StubVaultServer AddRule(StubRule rule)
    {
        if (string.IsNullOrWhiteSpace(rule.Method) || rule.Method.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException($"'{rule.Method}' is not an HTTP method.", nameof(rule));
        }
        if (!rule.Path.StartsWith('/') || rule.Path.Contains('?'))
        {
            throw new ArgumentException($"'{rule.Path}' is not a path: it must start with '/' and carry no query.", nameof(rule));
        }
        lock (_rules)
        {
            _rules.Add(rule);
        }
        return this;
    }

    private StubRule? TakeRule(string method, string path)
    {
        lock (_rules)
        {
            var rule = _rules.FirstOrDefault(candidate => candidate.Matches(method, path));
            if (rule is not null)
            {
                rule.Remaining--;
            }
            return rule;
        }
    }

    private static int CheckStatus(int status, string? jsonBody)
    {
        if (status is < 200 or > 599)
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "The stub answers with final statuses 200-599 only.");
        }
        if (status is 204 or 304 && !string.IsNullOrEmpty(jsonBody))
        {
            throw new ArgumentException($"Status {status} cannot carry a body.", nameof(jsonBody));
        }
        return status;
    }

    private static int CheckTimes(int times) =>
        times >= 1 ? times : throw new ArgumentOutOfRangeException(nameof(times), times, "A rule must answer at least once.");

    private static List<KeyValuePair<string, string>> CheckHeaders(List<KeyValuePair<string, string>> headers)
    {
        foreach (var (name, value) in headers)
        {
            // A CR or LF would let a test split the response into something this server never meant to send.
            if (string.IsNullOrWhiteSpace(name) || name.IndexOfAny([':', '\r', '\n']) >= 0 || value.IndexOfAny(['\r', '\n']) >= 0)
            {
                throw new ArgumentException($"Header '{name}: {value}' is not a single valid header line.", nameof(headers));
            }
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"The stub frames the body itself; '{name}' cannot be scripted.", nameof(headers));
            }
        }
        return headers;
    }

    private static Dictionary<string, string>? ToStringDictionary(IDictionary? headers)
    {
        if (headers is null)
        {
            return null;
        }
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry entry in headers)
        {
            result[Convert.ToString(entry.Key, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty] =
                Convert.ToString(entry.Value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
        }
        return result;
    }
}
