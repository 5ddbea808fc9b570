using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Warden.Contracts.Edge;
using Warden.Core.Bundles;
using Warden.Core.EdgeFleet;

namespace Warden.Edge;

/// <summary>The agent's calls to the Warden server's <c>/edge</c> API and, for fallback, its V2 inference endpoint.</summary>
public sealed class EdgeServerClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly ECDsa _deviceKey;

    /// <param name="server">The server's base address.</param>
    /// <param name="apiKey">The API key the device calls with.</param>
    /// <param name="timeout">Per-request timeout.</param>
    /// <param name="deviceKey">Signs registrations and telemetry (<see cref="DeviceSignature"/>); owned by the caller.</param>
    public EdgeServerClient(Uri server, string apiKey, TimeSpan timeout, ECDsa deviceKey)
    {
        _http = new HttpClient { BaseAddress = server, Timeout = timeout };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        _deviceKey = deviceKey;
    }

    /// <summary>Registers the device with a signed body; <see cref="EdgeServerRefusedException"/> when the server says no.</summary>
    public async Task RegisterAsync(DeviceRegistration registration, CancellationToken cancellationToken)
    {
        using var response = await PostSignedAsync("edge/devices", JsonSerializer.SerializeToUtf8Bytes(registration, EdgeWireJson.Default.DeviceRegistration), cancellationToken).ConfigureAwait(false);
        await EnsureAcceptedAsync(response, "the device registration", cancellationToken).ConfigureAwait(false);
    }

    public async Task<List<EdgeBundleInfo>> ListAsync(string channel, CancellationToken cancellationToken) =>
        await _http.GetFromJsonAsync($"edge/bundles?channel={Uri.EscapeDataString(channel)}", EdgeWireJson.Default.ListEdgeBundleInfo, cancellationToken).ConfigureAwait(false) ?? [];

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

    /// <summary>Uploads a signed batch; <see cref="EdgeServerRefusedException"/> when the server says no.</summary>
    public async Task<TelemetryAck> UploadTelemetryAsync(TelemetryBatch batch, CancellationToken cancellationToken)
    {
        using var response = await PostSignedAsync("edge/telemetry", JsonSerializer.SerializeToUtf8Bytes(batch, EdgeWireJson.Default.TelemetryBatch), cancellationToken).ConfigureAwait(false);
        await EnsureAcceptedAsync(response, "telemetry", cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync(EdgeWireJson.Default.TelemetryAck, cancellationToken).ConfigureAwait(false) ?? new TelemetryAck();
    }

    private async Task<HttpResponseMessage> PostSignedAsync(string path, byte[] body, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = content };
        request.Headers.Add(DeviceSignature.Header, DeviceSignature.Sign(_deviceKey, body));
        return await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    // 4xx: the server was reached and refused, which the agent reports (and keeps the data); 5xx counts as unreachable.
    private static async Task EnsureAcceptedAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        if (status is >= 400 and < 500)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            string reason;
            try
            {
                reason = JsonDocument.Parse(text).RootElement.GetProperty("error").GetString() ?? text;
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                reason = text;
            }

            throw new EdgeServerRefusedException(what, status, reason);
        }

        response.EnsureSuccessStatusCode();
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
