using System.Text.Json;
using System.Text.Json.Nodes;
using Warden.Core.Audit;
using Warden.Core.Events;
using Warden.Core.Fairness;
using Warden.Core.Monitoring;
using Warden.Core.Registry;
using Warden.Core.Settings;
using Warden.Core.Storage;

namespace Warden.Core.Retraining;

/// <summary>
/// Runs one retraining job: joins labelled feedback with the logged inputs, trains with the <see cref="ModelRetrainer"/>,
/// registers the result as a staging version, builds its reference profile from the training rows, stores a fairness
/// report over the held-out rows (judged against the <c>fairness-policy</c> when one is set, trigger <c>retrain</c>), and
/// optionally puts the version in shadow. Progress and log lines are persisted as they happen.
/// </summary>
public sealed class RetrainJobRunner
{
    /// <summary>Event sent when a job starts running.</summary>
    public const string StartedEvent = "retrain.started";

    /// <summary>Event sent when a job registered a new version.</summary>
    public const string SucceededEvent = "retrain.succeeded";

    /// <summary>Event sent when a job failed or was cancelled.</summary>
    public const string FailedEvent = "retrain.failed";

    /// <summary>Trigger name of the fairness reports stored by retraining.</summary>
    public const string FairnessTrigger = "retrain";

    private readonly IRetrainJobStore _store;
    private readonly IFeedbackStore _feedback;
    private readonly ModelRegistry _registry;
    private readonly ModelSettings _settings;
    private readonly ModelRetrainer _retrainer;
    private readonly ReferenceProfiles _references;
    private readonly IFairnessAuditStore _fairness;
    private readonly EventPublisher _events;
    private readonly AuditLog _audit;
    private readonly TimeProvider _time;

    public RetrainJobRunner(
        IRetrainJobStore store, IFeedbackStore feedback, ModelRegistry registry, ModelSettings settings, ModelRetrainer retrainer, ReferenceProfiles references,
        IFairnessAuditStore fairness, EventPublisher events, AuditLog audit, TimeProvider time)
    {
        _store = store;
        _feedback = feedback;
        _registry = registry;
        _settings = settings;
        _retrainer = retrainer;
        _references = references;
        _fairness = fairness;
        _events = events;
        _audit = audit;
        _time = time;
    }

    /// <summary>Runs <paramref name="job"/> to an end state and returns it; never throws except on shutdown.</summary>
    public async Task<RetrainJob> RunAsync(RetrainJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var current = job with { Status = RetrainJobStatus.Running, Phase = "starting", Started = _time.GetUtcNow() };
        await _store.UpdateAsync(current, CancellationToken.None).ConfigureAwait(false);
        var target = $"{job.Model}:job/{job.Id}";
        await _audit.AppendAsync(job.Actor, StartedEvent, target, new { trigger = job.Trigger, baseVersion = job.BaseVersion }, CancellationToken.None).ConfigureAwait(false);
        _events.Publish(StartedEvent, new { job = job.Id, model = job.Model, trigger = job.Trigger, baseVersion = job.BaseVersion });

        void Log(string message) => _store.AppendLogAsync(new RetrainLogLine(job.Id, _time.GetUtcNow(), message), CancellationToken.None).GetAwaiter().GetResult();

        void Report(RetrainProgress p)
        {
            current = current with { Progress = Math.Clamp(p.Fraction, 0, 1), Phase = p.Phase };
            _store.UpdateAsync(current, CancellationToken.None).GetAwaiter().GetResult();
        }

        try
        {
            var policy = _settings.Get<RetrainPolicySettings>(job.Model, RetrainPolicySettings.Kind);
            Report(new RetrainProgress(0.02, "reading feedback"));
            var rows = await FeedbackAsync(job, policy?.MaxFeedbackRows ?? 50_000, cancellationToken).ConfigureAwait(false);
            current = current with { FeedbackRows = rows.Count };
            var weight = job.FeedbackWeight ?? policy?.FeedbackWeight ?? 1;
            Log($"trigger {job.Trigger}; base version {job.BaseVersion ?? "none"}; training data {job.TrainingData}; {rows.Count} labelled feedback row(s)");
            var baseRecord = job.BaseVersion is null ? null : _registry.Models[job.Model].FindVersion(job.BaseVersion);
            var input = new RetrainInput(
                job.Model, job.BaseVersion, baseRecord is null ? null : ModelRegistry.ReadCard(baseRecord), job.TrainingData, rows, policy?.Seed ?? 42,
                policy?.MaxTrainingRows, weight, Log);
            var output = await Task.Run(() => _retrainer.TrainAsync(input, new SyncProgress(p => Report(p with { Fraction = 0.05 + (0.8 * p.Fraction) })), cancellationToken), cancellationToken)
                .ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();

            // From here on the job is committed: a cancellation would leave a half-registered version.
            Report(new RetrainProgress(0.88, "registering version"));
            var record = await _registry.DeployAsync(job.Model, output.Onnx, output.Card, job.Actor, cancellationToken: CancellationToken.None).ConfigureAwait(false);
            Log($"registered version {record.Version} in staging (sha256 {record.Sha256})");
            Report(new RetrainProgress(0.92, "building reference profile"));
            using (var reader = new StringReader(output.ReferenceCsv))
            {
                await _references.BuildAsync(job.Model, record.Version, reader, output.LabelColumn, null, $"retraining job {job.Id} training data", job.Actor, CancellationToken.None)
                    .ConfigureAwait(false);
            }

            Log("reference profile stored");
            Report(new RetrainProgress(0.96, "fairness report"));
            await FairnessAsync(job, record, output, Log).ConfigureAwait(false);
            if (policy is { Shadow: true })
            {
                await ShadowAsync(job, record.Version).ConfigureAwait(false);
                Log($"version {record.Version} set as rollout shadow");
            }

            current = current with { Status = RetrainJobStatus.Succeeded, Progress = 1, Phase = "done", Finished = _time.GetUtcNow(), ResultVersion = record.Version };
            var details = new { job = job.Id, model = job.Model, version = record.Version, baseVersion = job.BaseVersion, feedbackRows = rows.Count, metrics = output.Card.Metrics };
            // Audited before the status says "ended": whoever sees an ended job finds its entry in the chain.
            await _audit.AppendAsync(job.Actor, SucceededEvent, target, details, CancellationToken.None).ConfigureAwait(false);
            await _store.UpdateAsync(current, CancellationToken.None).ConfigureAwait(false);
            _events.Publish(SucceededEvent, details);
            return current;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return await EndAsync(current, RetrainJobStatus.Cancelled, "cancelled", target, Log).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return await EndAsync(current, RetrainJobStatus.Failed, ex.Message, target, Log).ConfigureAwait(false);
        }
    }

    private async Task<RetrainJob> EndAsync(RetrainJob current, string status, string error, string target, Action<string> log)
    {
        log($"{status}: {error}");
        current = current with { Status = status, Phase = status, Finished = _time.GetUtcNow(), Error = error };
        var details = new { job = current.Id, model = current.Model, status, error };
        // Audited before the status says "ended", as on success.
        await _audit.AppendAsync(current.Actor, FailedEvent, target, details, CancellationToken.None).ConfigureAwait(false);
        await _store.UpdateAsync(current, CancellationToken.None).ConfigureAwait(false);
        _events.Publish(FailedEvent, details);
        return current;
    }

    private async Task<IReadOnlyList<FeedbackRow>> FeedbackAsync(RetrainJob job, int limit, CancellationToken cancellationToken)
    {
        if (limit == 0)
        {
            return [];
        }

        var labelled = await _feedback.QueryLabeledAsync(job.Model, null, limit, cancellationToken).ConfigureAwait(false);
        var rows = new List<FeedbackRow>();
        foreach (var l in labelled)
        {
            if (l.Prediction.Purpose == RolloutSettings.ShadowPurpose)
            {
                continue;
            }

            var inputs = LoggedRow.Parse(l.Prediction.InputsJson);
            if (inputs.Rows != 1)
            {
                continue;
            }

            var sensitive = l.Prediction.SensitiveJson is { } json ? JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [] : [];
            rows.Add(new FeedbackRow(l.Prediction.Id, inputs.Names.ToDictionary(n => n, inputs.Number, StringComparer.Ordinal), LabelValues.IsPositive(l.Label, null), sensitive, l.Source)
            {
                Texts = inputs.Names.Where(n => inputs.Text(n) is not null).ToDictionary(n => n, n => inputs.Text(n)!, StringComparer.Ordinal),
            });
        }

        return rows;
    }

    private async Task FairnessAsync(RetrainJob job, ModelVersionRecord record, RetrainOutput output, Action<string> log)
    {
        var holdout = output.Holdout;
        var attributes = output.Card.SensitiveAttributes.Where(holdout.Sensitive.ContainsKey).ToList();
        var keep = Enumerable.Range(0, holdout.Labels.Length).Where(i => attributes.All(a => holdout.Sensitive[a][i] is not null)).ToArray();
        if (attributes.Count == 0 || keep.Length == 0)
        {
            log("no fairness report: the held-out rows carry no sensitive attribute named on the card");
            return;
        }

        var policy = _settings.Get<FairnessPolicySettings>(job.Model, FairnessPolicySettings.Kind);
        var data = FairnessDataset.FromScores(
            keep.Select(i => holdout.Labels[i] ? (byte)1 : (byte)0).ToArray(), keep.Select(i => holdout.Scores[i]).ToArray(), policy?.Threshold ?? 0.5,
            attributes.Select(a => new KeyValuePair<string, string[]>(a, keep.Select(i => holdout.Sensitive[a][i]!).ToArray())));
        var options = new FairnessOptions
        {
            MinGroupSize = policy?.MinGroupSize ?? 30,
            BootstrapResamples = policy?.Bootstrap ?? 200,
            Privileged = policy?.Privileged ?? new Dictionary<string, string>(),
        };
        var report = FairnessAnalyzer.Analyze(data, options, $"{job.Model}:{record.Version} held-out rows of retraining job {job.Id}");
        bool? passed = null;
        IReadOnlyList<string> failures = [];
        if (policy is not null)
        {
            var evaluation = FairnessPolicyEvaluator.Evaluate(policy.ToPolicy(), report);
            passed = evaluation.Passed;
            failures = evaluation.Failures.Select(f => $"{f.Metric}{(f.Section is null ? "" : " on " + f.Section)}: {f.Reason}").ToList();
        }

        var stored = await _fairness.AddAsync(
            new FairnessAuditRecord(0, job.Model, record.Version, _time.GetUtcNow(), job.Actor, FairnessTrigger, keep.Length, passed, failures, FairnessReportJson.Serialize(report)),
            CancellationToken.None).ConfigureAwait(false);
        log($"fairness report {stored.Id} over {keep.Length} held-out rows" + (passed is null ? " (no fairness-policy to judge it)" : passed.Value ? ": passes the fairness-policy" : ": FAILS the fairness-policy: " + string.Join("; ", failures)));
    }

    private async Task ShadowAsync(RetrainJob job, string version)
    {
        var existing = _settings.Get<RolloutSettings>(job.Model, RolloutSettings.Kind);
        var node = JsonSerializer.SerializeToNode(existing ?? new RolloutSettings(), ModelSettings.Json)!.AsObject();
        node["shadow"] = version;
        if (node["canary"] is JsonObject canary && (string?)canary["version"] == version)
        {
            node.Remove("canary");
        }

        using var document = JsonDocument.Parse(node.ToJsonString());
        await _settings.PutAsync(job.Model, RolloutSettings.Kind, document.RootElement.Clone(), job.Actor, CancellationToken.None).ConfigureAwait(false);
    }

    private sealed class SyncProgress(Action<RetrainProgress> report) : IProgress<RetrainProgress>
    {
        public void Report(RetrainProgress value) => report(value);
    }
}
