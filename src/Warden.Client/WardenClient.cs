using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Warden.Contracts.Admin;
using Warden.Contracts.Monitoring;
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

    /// <summary>Per-feature Shapley attributions of one row (<c>POST /v2/models/{m}/explain</c>).</summary>
    public Task<Warden.Contracts.Context.ExplanationResponse> ExplainAsync(string model, InferenceRequest request, string? version = null, CancellationToken cancellationToken = default) =>
        SendAsync<Warden.Contracts.Context.ExplanationResponse>(HttpMethod.Post, ModelPath(model, version) + "/explain", JsonContent.Create(request, options: Json), cancellationToken);

    /// <summary>Review items, optionally of one model and status; <paramref name="mine"/> keeps those assigned to or claimed by this key.</summary>
    public Task<List<Warden.Contracts.Context.ReviewItemInfo>> ListReviewsAsync(string? model = null, string? status = null, bool mine = false, CancellationToken cancellationToken = default) =>
        GetAsync<List<Warden.Contracts.Context.ReviewItemInfo>>(
            "api/reviews?limit=1000" + (model is null ? "" : "&model=" + Uri.EscapeDataString(model)) + (status is null ? "" : "&status=" + Uri.EscapeDataString(status)) + (mine ? "&mine=true" : ""),
            cancellationToken);

    /// <summary>One review item.</summary>
    public Task<Warden.Contracts.Context.ReviewItemInfo> GetReviewAsync(string id, CancellationToken cancellationToken = default) =>
        GetAsync<Warden.Contracts.Context.ReviewItemInfo>($"api/reviews/{Uri.EscapeDataString(id)}", cancellationToken);

    /// <summary>Claims a review item (locks it for this key for the policy's claim minutes).</summary>
    public Task<Warden.Contracts.Context.ReviewItemInfo> ClaimReviewAsync(string id, CancellationToken cancellationToken = default) =>
        SendAsync<Warden.Contracts.Context.ReviewItemInfo>(HttpMethod.Post, $"api/reviews/{Uri.EscapeDataString(id)}/claim", new StringContent(""), cancellationToken);

    /// <summary>Decides a review item.</summary>
    public Task<Warden.Contracts.Context.ReviewItemInfo> DecideReviewAsync(string id, string label, string? note = null, CancellationToken cancellationToken = default) =>
        SendAsync<Warden.Contracts.Context.ReviewItemInfo>(HttpMethod.Post, $"api/reviews/{Uri.EscapeDataString(id)}/decide",
            JsonContent.Create(new Warden.Contracts.Context.ReviewDecisionRequest { Label = label, Note = note }, options: Json), cancellationToken);

    /// <summary>All models visible to the key.</summary>
    public Task<List<ModelSummary>> ListModelsAsync(CancellationToken cancellationToken = default) =>
        GetAsync<List<ModelSummary>>("api/models", cancellationToken);

    /// <summary>One model and its versions.</summary>
    public Task<ModelSummary> GetModelAsync(string model, CancellationToken cancellationToken = default) =>
        GetAsync<ModelSummary>($"api/models/{Uri.EscapeDataString(model)}", cancellationToken);

    /// <summary>Deploys a new version from an ONNX stream and a card.</summary>
    public Task<ModelVersionInfo> DeployAsync(
        string model, Stream onnx, ModelCard card, string? version = null, string? stage = null, CancellationToken cancellationToken = default) =>
        DeployAsync(model, onnx, card, version, stage, background: null, cancellationToken);

    /// <summary>
    /// Deploys a new version with a background sample (CSV with a header naming the model's inputs) for explanations,
    /// out-of-distribution checks and, when no reference is set, the drift reference.
    /// </summary>
    public Task<ModelVersionInfo> DeployAsync(
        string model, Stream onnx, ModelCard card, string? version, string? stage, string? background, CancellationToken cancellationToken = default)
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

        if (background is not null)
        {
            form.Add(new StringContent(background), "background", "background.csv");
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

    /// <summary>A model's settings documents as an edge bundle carries them (<c>policies.json</c>).</summary>
    public async Task<string> GetEdgePoliciesAsync(string model, CancellationToken cancellationToken = default) =>
        await GetTextAsync($"edge/policies/{Uri.EscapeDataString(model)}", cancellationToken).ConfigureAwait(false);

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

    /// <summary>Asks the server to sign and record a checkpoint of the audit chain's head; returns it as JSON.</summary>
    public Task<JsonElement> CheckpointAuditAsync(CancellationToken cancellationToken = default) =>
        SendAsync<JsonElement>(HttpMethod.Post, "api/audit/checkpoints", new StringContent(""), cancellationToken);

    /// <summary>A page of the prediction log.</summary>
    public Task<Page<PredictionRecordInfo>> ListPredictionsAsync(string? model = null, long after = 0, int limit = 100, CancellationToken cancellationToken = default) =>
        GetAsync<Page<PredictionRecordInfo>>(
            $"api/predictions?after={after}&limit={limit}" + (model is null ? "" : "&model=" + Uri.EscapeDataString(model)), cancellationToken);

    /// <summary>Runs and stores a fairness audit of the model's labelled live traffic.</summary>
    public Task<FairnessAuditInfo> RunFairnessReportAsync(string model, FairnessAuditRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<FairnessAuditInfo>(HttpMethod.Post, $"api/models/{Uri.EscapeDataString(model)}/fairness/reports", JsonContent.Create(request, options: Json), cancellationToken);

    /// <summary>Stored fairness audits of a model, newest first (without the reports).</summary>
    public Task<List<FairnessAuditInfo>> ListFairnessReportsAsync(string model, CancellationToken cancellationToken = default) =>
        GetAsync<List<FairnessAuditInfo>>($"api/models/{Uri.EscapeDataString(model)}/fairness/reports", cancellationToken);

    /// <summary>One stored fairness audit with its report.</summary>
    public Task<FairnessAuditInfo> GetFairnessReportAsync(string model, long id, CancellationToken cancellationToken = default) =>
        GetAsync<FairnessAuditInfo>($"api/models/{Uri.EscapeDataString(model)}/fairness/reports/{id}", cancellationToken);

    /// <summary>One stored fairness report rendered as <c>md</c> or <c>html</c>.</summary>
    public Task<string> GetFairnessReportTextAsync(string model, long id, string format, CancellationToken cancellationToken = default) =>
        GetTextAsync($"api/models/{Uri.EscapeDataString(model)}/fairness/reports/{id}?format={Uri.EscapeDataString(format)}", cancellationToken);

    /// <summary>
    /// Drift of the model's logged traffic against its reference profile, as <c>json</c>, <c>md</c> or <c>html</c> text.
    /// </summary>
    public Task<string> GetDriftReportTextAsync(string model, string? since, string? version = null, string format = "json", CancellationToken cancellationToken = default) =>
        GetTextAsync($"api/models/{Uri.EscapeDataString(model)}/drift?format={Uri.EscapeDataString(format)}"
            + (since is null ? "" : "&since=" + Uri.EscapeDataString(since)) + (version is null ? "" : "&version=" + Uri.EscapeDataString(version)), cancellationToken);

    /// <summary>A version's model card rendered as <c>md</c> (Markdown) or <c>html</c>.</summary>
    public Task<string> GetModelCardTextAsync(string model, string version, string format, CancellationToken cancellationToken = default) =>
        GetTextAsync($"api/models/{Uri.EscapeDataString(model)}/versions/{Uri.EscapeDataString(version)}/card.{Uri.EscapeDataString(format)}", cancellationToken);

    /// <summary>Deploys a pipeline document (YAML or JSON text) as a new version of <paramref name="name"/>.</summary>
    public Task<ModelVersionInfo> DeployPipelineAsync(string name, string document, string? version = null, string? stage = null, CancellationToken cancellationToken = default) =>
        SendAsync<ModelVersionInfo>(HttpMethod.Post,
            $"api/pipelines/{Uri.EscapeDataString(name)}/versions?" + (version is null ? "" : "version=" + Uri.EscapeDataString(version) + "&") + (stage is null ? "" : "stage=" + Uri.EscapeDataString(stage)),
            new StringContent(document, System.Text.Encoding.UTF8, document.TrimStart().StartsWith('{') ? "application/json" : "application/yaml"), cancellationToken);

    private async Task<string> GetTextAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Usage counts (<c>GET /api/usage</c>): <c>totals</c> and hourly <c>buckets</c> per key, model and purpose.</summary>
    public Task<JsonElement> GetUsageAsync(string? key = null, string? model = null, string since = "24h", CancellationToken cancellationToken = default) =>
        GetAsync<JsonElement>(
            "api/usage?since=" + Uri.EscapeDataString(since)
            + (key is null ? "" : "&key=" + Uri.EscapeDataString(key))
            + (model is null ? "" : "&model=" + Uri.EscapeDataString(model)),
            cancellationToken);

    /// <summary>Payload keys and rows per key (<c>GET /api/privacy/keys</c>, auditor or admin).</summary>
    public Task<JsonElement> GetPrivacyKeysAsync(CancellationToken cancellationToken = default) =>
        GetAsync<JsonElement>("api/privacy/keys", cancellationToken);

    /// <summary>Re-encrypts stored payloads under the active key (<c>POST /api/privacy/reencrypt</c>, admin).</summary>
    public Task<JsonElement> ReencryptPayloadsAsync(CancellationToken cancellationToken = default) =>
        SendAsync<JsonElement>(HttpMethod.Post, "api/privacy/reencrypt", new StringContent(""), cancellationToken);

    /// <summary>Queues a retraining job (<c>POST /api/models/{model}/retrain</c>); the job as JSON.</summary>
    /// <param name="model">Model to retrain.</param>
    /// <param name="trainingData">Labelled CSV under an allowed data root; the retrain-policy's when null.</param>
    /// <param name="feedbackWeight">Weight of each labelled feedback row against a file row (1 when null).</param>
    /// <param name="cancellationToken">Cancellation.</param>
    public Task<JsonElement> StartRetrainAsync(string model, string? trainingData, double? feedbackWeight = null, CancellationToken cancellationToken = default) =>
        SendAsync<JsonElement>(HttpMethod.Post, $"api/models/{Uri.EscapeDataString(model)}/retrain",
            JsonContent.Create(new Warden.Contracts.Monitoring.RetrainRequest { TrainingData = trainingData, FeedbackWeight = feedbackWeight }, options: Json),
            cancellationToken);

    /// <summary>Retraining jobs, newest first (<c>GET /api/retraining/jobs</c>).</summary>
    public Task<JsonElement> ListRetrainJobsAsync(string? model, CancellationToken cancellationToken = default) =>
        GetAsync<JsonElement>("api/retraining/jobs" + (model is null ? "" : "?model=" + Uri.EscapeDataString(model)), cancellationToken);

    /// <summary>One retraining job with its log lines (<c>GET /api/retraining/jobs/{id}</c>).</summary>
    public Task<JsonElement> GetRetrainJobAsync(long id, CancellationToken cancellationToken = default) =>
        GetAsync<JsonElement>($"api/retraining/jobs/{id}", cancellationToken);

    /// <summary>Cancels a queued or running job (<c>POST /api/retraining/jobs/{id}/cancel</c>).</summary>
    public Task<JsonElement> CancelRetrainJobAsync(long id, CancellationToken cancellationToken = default) =>
        SendAsync<JsonElement>(HttpMethod.Post, $"api/retraining/jobs/{id}/cancel", new StringContent(""), cancellationToken);

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
