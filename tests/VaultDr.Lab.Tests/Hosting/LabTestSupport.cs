using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace VaultDr.Lab.Tests.Hosting;

internal static class LabTestSupport
{
    public static Task<LabHost> StartAsync(int clusters = 2, bool tls = false, string? caOut = null) =>
        LabHost.StartAsync(new LabOptions { ClusterCount = clusters, Tls = tls }, FakeNode.Create, caOut);

    public static FakeNode Node(this LabHost lab, string name) => (FakeNode)lab.GetCluster(name);

    /// <summary>No pooling, so every request opens a fresh connection (stop/start and drops stay deterministic).</summary>
    public static HttpClient Client(Func<System.Security.Cryptography.X509Certificates.X509Certificate2?, System.Net.Security.SslPolicyErrors, bool>? validate = null)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero, AllowAutoRedirect = false, UseProxy = false };
        if (validate is not null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, errors) =>
                validate(cert as System.Security.Cryptography.X509Certificates.X509Certificate2, errors);
        }

        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    public static async Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, Uri baseAddress, string path, string json) =>
        await client.PostAsync(new Uri(baseAddress, path), new StringContent(json, Encoding.UTF8, "application/json"));

    public static async Task<HttpResponseMessage> ControlAsync(this LabHost lab, HttpMethod method, string path, string? json = null)
    {
        using var client = Client();
        using var request = new HttpRequestMessage(method, new Uri(lab.ControlAddress, path));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return await client.SendAsync(request);
    }

    public static bool IsConnectionRefused(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
            {
                return true;
            }
        }

        return false;
    }

    public static Uri With(this Uri address, string pathAndQuery) => new(address, pathAndQuery);

    public static HttpStatusCode Status(this HttpResponseMessage response) => response.StatusCode;
}
