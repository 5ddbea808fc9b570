using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Warden.Contracts.Admin;
using Warden.Contracts.Context;
using Warden.Contracts.Feedback;
using Warden.Contracts.Monitoring;
using Warden.Contracts.Privacy;
using Warden.Contracts.Registry;
using Warden.Contracts.V2;

namespace Warden.Client;

/// <summary>
/// Typed client for a Warden server: the Open Inference Protocol endpoints and the admin API. Non-success answers throw
/// <see cref="WardenApiException"/> carrying the server's message. Register it with
/// <c>services.AddWardenClient(o =&gt; …)</c>, or create one over an <see cref="HttpClient"/> whose
/// <see cref="HttpClient.BaseAddress"/> is the server URL; the client never changes that <see cref="HttpClient"/>.
/// </summary>
public sealed class WardenClient
{
    private static readonly WardenJsonContext Json = WardenJsonContext.Default;
    private readonly HttpClient _http;
    private readonly AuthenticationHeaderValue? _authorization;

    /// <summary>Creates a client over <paramref name="http"/>, whose <see cref="HttpClient.BaseAddress"/> is the server URL.</summary>
    /// <param name="http">The HTTP client (its lifetime and settings are the caller's; the client adds nothing to it).</param>
    /// <param name="apiKey">
    /// The API key, sent as a bearer token on each request; null when the handler pipeline authenticates (as
    /// <c>AddWardenClient</c> sets it up) or for unauthenticated calls (health only).
    /// </param>
    public WardenClient(HttpClient http, string? apiKey)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http;
        _authorization = apiKey is null ? null : new AuthenticationHeaderValue("Bearer", apiKey);
    }

    /// <summary>Creates a client over <paramref name="http"/> whose handlers authenticate the requests.</summary>
    /// <param name="http">The HTTP client, e.g. from <c>IHttpClientFactory</c>.</param>
    public WardenClient(HttpClient http)
        : this(http, null)
    {
    }

    /// <summary>True when the server answers the liveness probe.</summary>
    public Task<bool> IsLiveAsync(CancellationToken cancellationToken = default) => ProbeAsync("v2/health/live", cancellationToken);

    /// <summary>True when the server is ready for inference.</summary>
    public Task<bool> IsReadyAsync(CancellationToken cancellationToken = default) => ProbeAsync("v2/health/ready", cancellationToken);

    /// <summary>Server metadata (<c>GET /v2</c>).</summary>
    public Task<ServerMetadata> GetServerMetadataAsync(CancellationToken cancellationToken = default) =>
        GetAsync("v2", Json.ServerMetadata, cancellationToken);

    /// <summary>Model metadata, of the production version or of <paramref name="version"/>.</summary>
    public Task<ModelMetadata> GetModelMetadataAsync(string model, string? version = null, CancellationToken cancellationToken = default) =>
        GetAsync(ModelPath(model, version), Json.ModelMetadata, cancellationToken);

    /// <summary>Runs inference (<c>POST /v2/models/{model}/infer</c>).</summary>
    /// <param name="model">Model name.</param>
    /// <param name="request">The request; build inputs with <see cref="InferenceInput.Fp32"/> and its siblings.</param>
    /// <param name="version">A version; the serving (production) version when null.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    public Task<InferenceResponse> InferAsync(string model, InferenceRequest request, string? version = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, ModelPath(model, version) + "/infer", Body(request, Json.InferenceRequest), Json.InferenceResponse, cancellationToken);

    /// <summary>Runs inference on <paramref name="inputs"/> with no parameters.</summary>
    public Task<InferenceResponse> InferAsync(string model, IEnumerable<InferenceInput> inputs, CancellationToken cancellationToken = default) =>
        InferAsync(model, new InferenceRequest { Inputs = [.. inputs] }, null, cancellationToken);

    /// <summary>Per-feature Shapley attributions of one row (<c>POST /v2/models/{m}/explain</c>).</summary>
    public Task<ExplanationResponse> ExplainAsync(string model, InferenceRequest request, string? version = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, ModelPath(model, version) + "/explain", Body(request, Json.InferenceRequest), Json.ExplanationResponse, cancellationToken);

    /// <summary>
    /// Records ground-truth labels of earlier predictions (<c>POST /api/models/{model}/feedback</c>); each label names a
    /// prediction by the <see cref="InferenceResponse.Id"/> it returned.
    /// </summary>
    public Task<FeedbackResult> SendFeedbackAsync(string model, IEnumerable<FeedbackLabel> labels, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"api/models/{Uri.EscapeDataString(model)}/feedback", Body(new FeedbackBatch { Items = [.. labels] }, Json.FeedbackBatch), Json.FeedbackResult, cancellationToken);

    /// <summary>Records the ground-truth label of one earlier prediction.</summary>
    public Task<FeedbackResult> SendFeedbackAsync(string model, string predictionId, string label, CancellationToken cancellationToken = default) =>
        SendFeedbackAsync(model, [new FeedbackLabel { Id = predictionId, Label = label }], cancellationToken);

    /// <summary>Review items, optionally of one model and status; <paramref name="mine"/> keeps those assigned to or claimed by this key.</summary>
    public Task<List<ReviewItemInfo>> ListReviewsAsync(string? model = null, string? status = null, bool mine = false, CancellationToken cancellationToken = default) =>
        GetAsync(
            "api/reviews?limit=1000" + (model is null ? "" : "&model=" + Uri.EscapeDataString(model)) + (status is null ? "" : "&status=" + Uri.EscapeDataString(status)) + (mine ? "&mine=true" : ""),
            Json.ListReviewItemInfo, cancellationToken);

    /// <summary>One review item.</summary>
    public Task<ReviewItemInfo> GetReviewAsync(string id, CancellationToken cancellationToken = default) =>
        GetAsync($"api/reviews/{Uri.EscapeDataString(id)}", Json.ReviewItemInfo, cancellationToken);

    /// <summary>Claims a review item (locks it for this key for the policy's claim minutes).</summary>
    public Task<ReviewItemInfo> ClaimReviewAsync(string id, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"api/reviews/{Uri.EscapeDataString(id)}/claim", new StringContent(""), Json.ReviewItemInfo, cancellationToken);

    /// <summary>Decides a review item.</summary>
    public Task<ReviewItemInfo> DecideReviewAsync(string id, string label, string? note = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"api/reviews/{Uri.EscapeDataString(id)}/decide",
            Body(new ReviewDecisionRequest { Label = label, Note = note }, Json.ReviewDecisionRequest), Json.ReviewItemInfo, cancellationToken);

    /// <summary>All models visible to the key.</summary>
    public Task<List<ModelSummary>> ListModelsAsync(CancellationToken cancellationToken = default) =>
        GetAsync("api/models", Json.ListModelSummary, cancellationToken);

    /// <summary>One model and its versions.</summary>
    public Task<ModelSummary> GetModelAsync(string model, CancellationToken cancellationToken = default) =>
        GetAsync($"api/models/{Uri.EscapeDataString(model)}", Json.ModelSummary, cancellationToken);

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
            { new StringContent(JsonSerializer.Serialize(card, Json.ModelCard)), "card" },
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

        // "Expect: 100-continue": the server may refuse an upload over its limit (413) before reading it; the client then
        // never sends the body and gets that answer, instead of a connection reset in the middle of the upload.
        return SendAsync(HttpMethod.Post, $"api/models/{Uri.EscapeDataString(model)}/versions", form, Json.ModelVersionInfo, cancellationToken, expectContinue: true);
    }

    /// <summary>Moves a version to a stage (production by default).</summary>
    public Task<ModelVersionInfo> PromoteAsync(string model, string version, string? stage = null, string? reason = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"api/models/{Uri.EscapeDataString(model)}/versions/{Uri.EscapeDataString(version)}/promote",
            Body(new StageChangeRequest { Stage = stage, Reason = reason }, Json.StageChangeRequest), Json.ModelVersionInfo, cancellationToken);

    /// <summary>Rolls back to the previous production version.</summary>
    public Task<ModelVersionInfo> RollbackAsync(string model, string? reason = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"api/models/{Uri.EscapeDataString(model)}/rollback",
            Body(new StageChangeRequest { Reason = reason }, Json.StageChangeRequest), Json.ModelVersionInfo, cancellationToken);

    /// <summary>One version of a model: stage, hash, signature and card.</summary>
    public Task<ModelVersionInfo> GetVersionAsync(string model, string version, CancellationToken cancellationToken = default) =>
        GetAsync($"api/models/{Uri.EscapeDataString(model)}/versions/{Uri.EscapeDataString(version)}", Json.ModelVersionInfo, cancellationToken);

    /// <summary>The ONNX bytes of a version (deployer or admin key).</summary>
    public async Task<byte[]> DownloadOnnxAsync(string model, string version, CancellationToken cancellationToken = default)
    {
        using var response = await SendRawAsync(HttpMethod.Get, $"api/models/{Uri.EscapeDataString(model)}/versions/{Uri.EscapeDataString(version)}/onnx", null, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sets a version's drift reference from a CSV (a column per model input; <paramref name="label"/> names the label column,
    /// read as positive when it equals <paramref name="positive"/>). Returns the profile's summary as JSON.
    /// </summary>
    public Task<string> SetReferenceAsync(
        string model, string version, string csv, string? label = null, string? positive = null, CancellationToken cancellationToken = default)
    {
        var query = label is null ? "" : $"?label={Uri.EscapeDataString(label)}" + (positive is null ? "" : $"&positive={Uri.EscapeDataString(positive)}");
        return SendTextAsync(HttpMethod.Put, $"api/models/{Uri.EscapeDataString(model)}/versions/{Uri.EscapeDataString(version)}/reference{query}",
            new StringContent(csv, System.Text.Encoding.UTF8, "text/csv"), cancellationToken);
    }

    /// <summary>
    /// The current document of one settings kind of a model (the document alone, without its envelope), or null when the
    /// model has none of that kind.
    /// </summary>
    public async Task<string?> GetSettingsDocumentAsync(string model, string kind, CancellationToken cancellationToken = default)
    {
        using var response = await SendRawAsync(HttpMethod.Get, SettingsPath(model, kind), null, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        using var envelope = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        return envelope.RootElement.GetProperty("document").GetRawText();
    }

    /// <summary>Replaces one settings document of a model (a JSON object); returns the stored version's envelope as JSON.</summary>
    public Task<string> PutSettingsDocumentAsync(string model, string kind, string document, CancellationToken cancellationToken = default) =>
        SendTextAsync(HttpMethod.Put, SettingsPath(model, kind), new StringContent(document, System.Text.Encoding.UTF8, "application/json"), cancellationToken);

    /// <summary>A model's settings documents as an edge bundle carries them (<c>policies.json</c>).</summary>
    public Task<string> GetEdgePoliciesAsync(string model, CancellationToken cancellationToken = default) =>
        GetTextAsync($"edge/policies/{Uri.EscapeDataString(model)}", cancellationToken);

    /// <summary>Creates an API key; the secret is in the result, shown once.</summary>
    public Task<CreatedKey> CreateKeyAsync(CreateKeyRequest request, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "api/keys", Body(request, Json.CreateKeyRequest), Json.CreatedKey, cancellationToken);

    /// <summary>All API keys.</summary>
    public Task<List<ApiKeyInfo>> ListKeysAsync(CancellationToken cancellationToken = default) =>
        GetAsync("api/keys", Json.ListApiKeyInfo, cancellationToken);

    /// <summary>Revokes a key.</summary>
    public async Task RevokeKeyAsync(string id, CancellationToken cancellationToken = default)
    {
        using var response = await SendRawAsync(HttpMethod.Delete, $"api/keys/{Uri.EscapeDataString(id)}", null, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A page of the audit chain.</summary>
    public Task<Page<AuditEntryInfo>> ListAuditAsync(long after = 0, int limit = 100, CancellationToken cancellationToken = default) =>
        GetAsync($"api/audit?after={after}&limit={limit}", Json.PageAuditEntryInfo, cancellationToken);

    /// <summary>Verifies the audit chain on the server.</summary>
    public Task<AuditVerification> VerifyAuditAsync(CancellationToken cancellationToken = default) =>
        GetAsync("api/audit/verify", Json.AuditVerification, cancellationToken);

    /// <summary>Asks the server to sign and record a checkpoint of the audit chain's head.</summary>
    public Task<AuditCheckpointInfo> CheckpointAuditAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "api/audit/checkpoints", new StringContent(""), Json.AuditCheckpointInfo, cancellationToken);

    /// <summary>A page of the prediction log.</summary>
    public Task<Page<PredictionRecordInfo>> ListPredictionsAsync(string? model = null, long after = 0, int limit = 100, CancellationToken cancellationToken = default) =>
        GetAsync(
            $"api/predictions?after={after}&limit={limit}" + (model is null ? "" : "&model=" + Uri.EscapeDataString(model)), Json.PagePredictionRecordInfo, cancellationToken);

    /// <summary>Runs and stores a fairness audit of the model's labelled live traffic.</summary>
    public Task<FairnessAuditInfo> RunFairnessReportAsync(string model, FairnessAuditRequest request, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"api/models/{Uri.EscapeDataString(model)}/fairness/reports", Body(request, Json.FairnessAuditRequest), Json.FairnessAuditInfo, cancellationToken);

    /// <summary>Stored fairness audits of a model, newest first (without the reports).</summary>
    public Task<List<FairnessAuditInfo>> ListFairnessReportsAsync(string model, CancellationToken cancellationToken = default) =>
        GetAsync($"api/models/{Uri.EscapeDataString(model)}/fairness/reports", Json.ListFairnessAuditInfo, cancellationToken);

    /// <summary>One stored fairness audit with its report.</summary>
    public Task<FairnessAuditInfo> GetFairnessReportAsync(string model, long id, CancellationToken cancellationToken = default) =>
        GetAsync($"api/models/{Uri.EscapeDataString(model)}/fairness/reports/{id}", Json.FairnessAuditInfo, cancellationToken);

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
        SendAsync(HttpMethod.Post,
            $"api/pipelines/{Uri.EscapeDataString(name)}/versions?" + (version is null ? "" : "version=" + Uri.EscapeDataString(version) + "&") + (stage is null ? "" : "stage=" + Uri.EscapeDataString(stage)),
            new StringContent(document, System.Text.Encoding.UTF8, document.TrimStart().StartsWith('{') ? "application/json" : "application/yaml"), Json.ModelVersionInfo, cancellationToken);

    /// <summary>Usage counts (<c>GET /api/usage</c>): totals and hourly buckets per key, model and purpose.</summary>
    public Task<UsageReport> GetUsageAsync(string? key = null, string? model = null, string since = "24h", CancellationToken cancellationToken = default) =>
        GetAsync(
            "api/usage?since=" + Uri.EscapeDataString(since)
            + (key is null ? "" : "&key=" + Uri.EscapeDataString(key))
            + (model is null ? "" : "&model=" + Uri.EscapeDataString(model)),
            Json.UsageReport, cancellationToken);

    /// <summary>Payload keys and rows per key (<c>GET /api/privacy/keys</c>, auditor or admin).</summary>
    public Task<PrivacyKeysInfo> GetPrivacyKeysAsync(CancellationToken cancellationToken = default) =>
        GetAsync("api/privacy/keys", Json.PrivacyKeysInfo, cancellationToken);

    /// <summary>Re-encrypts stored payloads under the active key (<c>POST /api/privacy/reencrypt</c>, admin).</summary>
    public Task<ReencryptionInfo> ReencryptPayloadsAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "api/privacy/reencrypt", new StringContent(""), Json.ReencryptionInfo, cancellationToken);

    /// <summary>Queues a retraining job (<c>POST /api/models/{model}/retrain</c>).</summary>
    /// <param name="model">Model to retrain.</param>
    /// <param name="trainingData">Labelled CSV under an allowed data root; the retrain-policy's when null.</param>
    /// <param name="feedbackWeight">Weight of each labelled feedback row against a file row (1 when null).</param>
    /// <param name="cancellationToken">Cancellation.</param>
    public Task<RetrainJobInfo> StartRetrainAsync(string model, string? trainingData, double? feedbackWeight = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"api/models/{Uri.EscapeDataString(model)}/retrain",
            Body(new RetrainRequest { TrainingData = trainingData, FeedbackWeight = feedbackWeight }, Json.RetrainRequest), Json.RetrainJobInfo,
            cancellationToken);

    /// <summary>Retraining jobs, newest first (<c>GET /api/retraining/jobs</c>).</summary>
    public Task<List<RetrainJobInfo>> ListRetrainJobsAsync(string? model, CancellationToken cancellationToken = default) =>
        GetAsync("api/retraining/jobs" + (model is null ? "" : "?model=" + Uri.EscapeDataString(model)), Json.ListRetrainJobInfo, cancellationToken);

    /// <summary>One retraining job with its log lines (<c>GET /api/retraining/jobs/{id}</c>).</summary>
    public Task<RetrainJobDetail> GetRetrainJobAsync(long id, CancellationToken cancellationToken = default) =>
        GetAsync($"api/retraining/jobs/{id}", Json.RetrainJobDetail, cancellationToken);

    /// <summary>Cancels a queued or running job (<c>POST /api/retraining/jobs/{id}/cancel</c>).</summary>
    public Task<RetrainJobInfo> CancelRetrainJobAsync(long id, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"api/retraining/jobs/{id}/cancel", new StringContent(""), Json.RetrainJobInfo, cancellationToken);

    private static string ModelPath(string model, string? version) =>
        $"v2/models/{Uri.EscapeDataString(model)}" + (version is null ? "" : $"/versions/{Uri.EscapeDataString(version)}");

    private static string SettingsPath(string model, string kind) =>
        $"api/models/{Uri.EscapeDataString(model)}/settings/{Uri.EscapeDataString(kind)}";

    private static JsonContent Body<T>(T value, JsonTypeInfo<T> type) => JsonContent.Create(value, type);

    private async Task<bool> ProbeAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await SendRawAsync(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
        return response.IsSuccessStatusCode;
    }

    private Task<string> GetTextAsync(string path, CancellationToken cancellationToken) => SendTextAsync(HttpMethod.Get, path, null, cancellationToken);

    private async Task<string> SendTextAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var response = await SendRawAsync(method, path, content, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
    }

    private Task<T> GetAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, path, null, type, cancellationToken);

    private async Task<T> SendAsync<T>(
        HttpMethod method, string path, HttpContent? content, JsonTypeInfo<T> type, CancellationToken cancellationToken, bool expectContinue = false)
    {
        using var response = await SendRawAsync(method, path, content, cancellationToken, expectContinue).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync(type, cancellationToken).ConfigureAwait(false)
            ?? throw new WardenApiException(response.StatusCode, "the server sent an empty body");
    }

    // Every request goes through here: the key is set on the request, never on the HttpClient, which may be shared.
    private async Task<HttpResponseMessage> SendRawAsync(
        HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken, bool expectContinue = false)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content };
        if (expectContinue)
        {
            request.Headers.ExpectContinue = true;
        }

        if (_authorization is not null)
        {
            request.Headers.Authorization = _authorization;
        }

        return await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
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
