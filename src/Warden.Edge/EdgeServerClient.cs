using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Warden.Contracts.Edge;
using Warden.Core.Bundles;

namespace Warden.Edge;

/// <summary>The agent's calls to the Warden server's <c>/edge</c> API and, for fallback, its V2 inference endpoint.</summary>
public sealed class EdgeServerClient : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _http;

    public EdgeServerClient(Uri server, string apiKey, TimeSpan timeout)
    {
        _http = new HttpClient { BaseAddress = server, Timeout = timeout };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
    }

    public async Task RegisterAsync(DeviceRegistration registration, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsJsonAsync("edge/devices", registration, Json, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    public async Task<List<EdgeBundleInfo>> ListAsync(string channel, CancellationToken cancellationToken) =>
        await _http.GetFromJsonAsync<List<EdgeBundleInfo>>($"edge/bundles?channel={Uri.EscapeDataString(channel)}", Json, cancellationToken).ConfigureAwait(false) ?? [];

    public async Task<byte[]> DownloadAsync(string bundleId, CancellationToken cancellationToken) =>
        await _http.GetByteArrayAsync(new Uri($"edge/bundles/{Uri.EscapeDataString(bundleId)}", UriKind.Relative), cancellationToken).ConfigureAwait(false);

    public async Task<BundleRevocations> RevocationsAsync(CancellationToken cancellationToken) =>
        BundleRevocations.Parse(await _http.GetStringAsync(new Uri("edge/revocations", UriKind.Relative), cancellationToken).ConfigureAwait(false));

    /// <summary>The model's current settings documents on the server; null when the server does not offer them (404).</summary>
    public async Task<BundlePolicies?> PoliciesAsync(string model, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(new Uri($"edge/policies/{Uri.EscapeDataString(model)}", UriKind.Relative), cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return BundlePolicies.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false));
    }

    public async Task<TelemetryAck> UploadTelemetryAsync(TelemetryBatch batch, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsJsonAsync("edge/telemetry", batch, Json, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<TelemetryAck>(Json, cancellationToken).ConfigureAwait(false) ?? new TelemetryAck();
    }

    /// <summary>Forwards a V2 inference body; returns the server's status and body.</summary>
    public async Task<(int Status, byte[] Body)> InferAsync(string path, byte[] body, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await _http.PostAsync(new Uri(path, UriKind.Relative), content, cancellationToken).ConfigureAwait(false);
        return ((int)response.StatusCode, await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false));
    }

    public void Dispose() => _http.Dispose();
}
