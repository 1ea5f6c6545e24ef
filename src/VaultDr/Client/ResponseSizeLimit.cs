using System.Net;

namespace VaultDr.Client;

/// <summary>An answer larger than <see cref="ResponseSizeLimit.MaxResponseBytes"/>: it is not read further.</summary>
internal sealed class ResponseTooLargeException : IOException
{
    internal ResponseTooLargeException(long limit)
        : base($"The answer is larger than {limit / (1024 * 1024)} MB.")
    {
    }
}

/// <summary>
/// Caps how much of an answer is read. Vault's DR answers are a few kilobytes; a runaway or hostile
/// server (or proxy) must not make the module buffer an unbounded body in memory.
/// </summary>
internal sealed class ResponseSizeLimit : DelegatingHandler
{
    /// <summary>The largest answer VaultDr reads, in bytes.</summary>
    internal const long MaxResponseBytes = 16 * 1024 * 1024;

    internal ResponseSizeLimit(HttpMessageHandler inner)
        : base(inner)
    {
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        Capped(await base.SendAsync(request, cancellationToken).ConfigureAwait(false));

    /// <summary>The synchronous path (see <see cref="CallingThreadReads"/>), capped the same way.</summary>
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        Capped(base.Send(request, cancellationToken));

    private static HttpResponseMessage Capped(HttpResponseMessage response)
    {
        if (response.Content.Headers.ContentLength > MaxResponseBytes)
        {
            response.Dispose();
            throw new ResponseTooLargeException(MaxResponseBytes);
        }

        // With a Content-Length, .NET reads exactly that many bytes and no more, so the check above is the cap.
        // Only an answer of unknown length (chunked, or ended by closing the connection) is counted as it is read.
        if (response.Content.Headers.ContentLength is null)
        {
            response.Content = new LimitedContent(response.Content);
        }

        return response;
    }

    private sealed class LimitedContent : HttpContent
    {
        private readonly HttpContent _inner;

        internal LimitedContent(HttpContent inner)
        {
            _inner = inner;
            foreach (var header in inner.Headers)
            {
                Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            await SerializeToStreamAsync(stream, context, CancellationToken.None).ConfigureAwait(false);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            var source = await _inner.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var buffer = new byte[16 * 1024];
            long total = 0;
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
                if (total > MaxResponseBytes)
                {
                    throw new ResponseTooLargeException(MaxResponseBytes);
                }

                await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _inner.Headers.ContentLength ?? -1;
            return length >= 0;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
