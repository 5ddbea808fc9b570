using System.Net.Http.Headers;
using Microsoft.Extensions.Options;

namespace Warden.Client;

/// <summary>
/// Puts the configured API key on each request as a bearer token, so the key lives in the handler pipeline that
/// <c>IHttpClientFactory</c> builds rather than on a shared <see cref="HttpClient"/>.
/// </summary>
internal sealed class WardenAuthenticationHandler(IOptionsMonitor<WardenClientOptions> options, string name) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Headers.Authorization is null && options.Get(name).ApiKey is { Length: > 0 } key)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
