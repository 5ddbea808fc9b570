using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Warden.Contracts.Admin;
using Warden.Contracts.Registry;
using Warden.Contracts.V2;

namespace Warden.Client;

/// <summary>
/// Typed client for a Warden server: the Open Inference Protocol endpoints and the admin API. Non-success answers throw
/// <see cref="WardenApiException"/> carrying the server's message.
/// </summary>
public sealed class WardenClient
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _http;

    /// <summary>Creates a client over <paramref name="http"/>, whose <see cref="HttpClient.BaseAddress"/> is the server URL.</summary>
    /// <param name="http">The HTTP client (its lifetime is the caller's).</param>
    /// <param name="apiKey">The API key sent as a bearer token; null for unauthenticated calls (health only).</param>
    public WardenClient(HttpClient http, string? apiKey)
    {
        _http = http;
        if (apiKey is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }
    }

    /// <summary>True when the server answers the liveness probe.</summary>
    public async Task<bool> IsLiveAsync(CancellationToken cancellationToken = default)
    {
        using var response = await _http.GetAsync(new Uri("v2/health/live", UriKind.Relative), cancellationToken).ConfigureAwait(false);
        return response.IsSuccessStatusCode;
    }

    /// <summary>True when the server is ready for inference.</summary>
    public async Task<bool> IsReadyAsync(CancellationToken cancellationToken = default)
    {
        using var response = await _http.GetAsync(new Uri("v2/health/ready", UriKind.Relative), cancellationToken).ConfigureAwait(false);
        return response.IsSuccessStatusCode;
    }

    /// <summary>Server metadata (<c>GET /v2</c>).</summary>
    public Task<ServerMetadata> GetServerMetadataAsync(CancellationToken cancellationToken = default) =>
        GetAsync<ServerMetadata>("v2", cancellationToken);

    /// <summary>Model metadata, of the production version or of <paramref name="version"/>.</summary>
    public Task<ModelMetadata> GetModelMetadataAsync(string model, string? version = null, CancellationToken cancellationToken = default) =>
        GetAsync<ModelMetadata>(ModelPath(model, version), cancellationToken);

    /// <summary>Runs inference.</summary>
    public Task<InferenceResponse> InferAsync(string model, InferenceRequest request, string? version = null, CancellationToken cancellationToken = default) =>
        SendAsync<InferenceResponse>(HttpMethod.Post, ModelPath(model, version) + "/infer", JsonContent.Create(request, options: Json), cancellationToken);

    /// <summary>All models visible to the key.</summary>
    public Task<List<ModelSummary>> ListModelsAsync(CancellationToken cancellationToken = default) =>
        GetAsync<List<ModelSummary>>("api/models", cancellationToken);

    /// <summary>One model and its versions.</summary>
    public Task<ModelSummary> GetModelAsync(string model, CancellationToken cancellationToken = default) =>
        GetAsync<ModelSummary>($"api/models/{Uri.EscapeDataString(model)}", cancellationToken);

    /// <summary>Deploys a new version from an ONNX stream and a card.</summary>
    public Task<ModelVersionInfo> DeployAsync(
        string model, Stream onnx, ModelCard card, string? version = null, string? stage = null, CancellationToken cancellationToken = default)
    {
        var form = new MultipartFormDataContent
        {
            { new StreamContent(onnx), "model", "model.onnx" },
            { new StringContent(JsonSerializer.Serialize(card, Json)), "card" },
        };
        if (version is not null)
        {
            form.Add(new StringContent(version), "version");
        }

        if (stage is not null)
        {
            form.Add(new StringContent(stage), "stage");
        }

        return SendAsync<ModelVersionInfo>(HttpMethod.Post, $"api/models/{Uri.EscapeDataString(model)}/versions", form, cancellationToken);
    }

    /// <summary>Moves a version to a stage (production by default).</summary>
    public Task<ModelVersionInfo> PromoteAsync(string model, string version, string? stage = null, string? reason = null, CancellationToken cancellationToken = default) =>
        SendAsync<ModelVersionInfo>(HttpMethod.Post, $"api/models/{Uri.EscapeDataString(model)}/versions/{Uri.EscapeDataString(version)}/promote",
            JsonContent.Create(new StageChangeRequest { Stage = stage, Reason = reason }, options: Json), cancellationToken);

    /// <summary>Rolls back to the previous production version.</summary>
    public Task<ModelVersionInfo> RollbackAsync(string model, string? reason = null, CancellationToken cancellationToken = default) =>
        SendAsync<ModelVersionInfo>(HttpMethod.Post, $"api/models/{Uri.EscapeDataString(model)}/rollback",
            JsonContent.Create(new StageChangeRequest { Reason = reason }, options: Json), cancellationToken);

    /// <summary>One version of a model: stage, hash, signature and card.</summary>
    public Task<ModelVersionInfo> GetVersionAsync(string model, string version, CancellationToken cancellationToken = default) =>
        GetAsync<ModelVersionInfo>($"api/models/{Uri.EscapeDataString(model)}/versions/{Uri.EscapeDataString(version)}", cancellationToken);

    /// <summary>The ONNX bytes of a version (deployer or admin key).</summary>
    public async Task<byte[]> DownloadOnnxAsync(string model, string version, CancellationToken cancellationToken = default)
    {
        using var response = await _http.GetAsync(new Uri($"api/models/{Uri.EscapeDataString(model)}/versions/{Uri.EscapeDataString(version)}/onnx", UriKind.Relative), cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates an API key; the secret is in the result, shown once.</summary>
    public Task<CreatedKey> CreateKeyAsync(CreateKeyRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<CreatedKey>(HttpMethod.Post, "api/keys", JsonContent.Create(request, options: Json), cancellationToken);

    /// <summary>All API keys.</summary>
    public Task<List<ApiKeyInfo>> ListKeysAsync(CancellationToken cancellationToken = default) =>
        GetAsync<List<ApiKeyInfo>>("api/keys", cancellationToken);

    /// <summary>Revokes a key.</summary>
    public async Task RevokeKeyAsync(string id, CancellationToken cancellationToken = default)
    {
        using var response = await _http.DeleteAsync(new Uri($"api/keys/{Uri.EscapeDataString(id)}", UriKind.Relative), cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A page of the audit chain.</summary>
    public Task<Page<AuditEntryInfo>> ListAuditAsync(long after = 0, int limit = 100, CancellationToken cancellationToken = default) =>
        GetAsync<Page<AuditEntryInfo>>($"api/audit?after={after}&limit={limit}", cancellationToken);

    /// <summary>Verifies the audit chain on the server.</summary>
    public Task<AuditVerification> VerifyAuditAsync(CancellationToken cancellationToken = default) =>
        GetAsync<AuditVerification>("api/audit/verify", cancellationToken);

    /// <summary>A page of the prediction log.</summary>
    public Task<Page<PredictionRecordInfo>> ListPredictionsAsync(string? model = null, long after = 0, int limit = 100, CancellationToken cancellationToken = default) =>
        GetAsync<Page<PredictionRecordInfo>>(
            $"api/predictions?after={after}&limit={limit}" + (model is null ? "" : "&model=" + Uri.EscapeDataString(model)), cancellationToken);

    /// <summary>Usage counts (<c>GET /api/usage</c>): <c>totals</c> and hourly <c>buckets</c> per key, model and purpose.</summary>
    public Task<JsonElement> GetUsageAsync(string? key = null, string? model = null, string since = "24h", CancellationToken cancellationToken = default) =>
        GetAsync<JsonElement>(
            "api/usage?since=" + Uri.EscapeDataString(since)
            + (key is null ? "" : "&key=" + Uri.EscapeDataString(key))
            + (model is null ? "" : "&model=" + Uri.EscapeDataString(model)),
            cancellationToken);

    private static string ModelPath(string model, string? version) =>
        $"v2/models/{Uri.EscapeDataString(model)}" + (version is null ? "" : $"/versions/{Uri.EscapeDataString(version)}");

    private async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken).ConfigureAwait(false);
        return await ReadAsync<T>(response, cancellationToken).ConfigureAwait(false);
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, HttpContent content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content };
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<T>(response, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken).ConfigureAwait(false)
            ?? throw new WardenApiException(response.StatusCode, "the server sent an empty body");
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        throw new WardenApiException(response.StatusCode, $"{(int)response.StatusCode} {ReasonOf(response.StatusCode)}: {ErrorText(body)}");
    }

    private static string ReasonOf(HttpStatusCode status) => status.ToString();

    private static string ErrorText(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String)
            {
                return error.GetString()!;
            }
        }
        catch (JsonException)
        {
            // Not JSON: show the text as is.
        }

        return body.Length <= 500 ? body : body[..500];
    }
}
