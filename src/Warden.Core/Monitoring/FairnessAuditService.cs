using Warden.Contracts.Monitoring;
using Warden.Contracts.Registry;
using Warden.Core.Audit;
using Warden.Core.Events;
using Warden.Core.Fairness;
using Warden.Core.Registry;
using Warden.Core.Settings;
using Warden.Core.Storage;

namespace Warden.Core.Monitoring;

/// <summary>
/// Fairness audits over live traffic: joins logged predictions with their ground-truth labels, runs
/// <see cref="FairnessAnalyzer"/>, judges the result against the model's <c>fairness-policy</c> (when set), and stores it.
/// Scheduled audits run per version in the policy's stages; a failure is written to the audit chain and sent as a
/// <c>fairness.audit_failed</c> event.
/// </summary>
public sealed class FairnessAuditService
{
    /// <summary>Event type of a failed audit.</summary>
    public const string FailedEvent = "fairness.audit_failed";

    private const int MaxRows = 200_000;
    private readonly IFeedbackStore _feedback;
    private readonly IFairnessAuditStore _store;
    private readonly ModelRegistry _registry;
    private readonly ModelSettings _settings;
    private readonly EventPublisher _events;
    private readonly AuditLog _audit;
    private readonly TimeProvider _time;
    private readonly Telemetry.WardenMetrics? _metrics;
    private readonly Cluster.IJobLeases? _leases;

    public FairnessAuditService(
        IFeedbackStore feedback, IFairnessAuditStore store, ModelRegistry registry, ModelSettings settings, EventPublisher events, AuditLog audit, TimeProvider time,
        Telemetry.WardenMetrics? metrics = null, Cluster.IJobLeases? leases = null)
    {
        _metrics = metrics;
        _leases = leases;
        _feedback = feedback;
        _store = store;
        _registry = registry;
        _settings = settings;
        _events = events;
        _audit = audit;
        _time = time;
    }

    /// <summary>Runs an audit now (manual trigger); throws 400 when no labelled prediction matches.</summary>
    public async Task<FairnessAuditRecord> RunAsync(string model, FairnessAuditRequest request, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Bootstrap is < 0 or > 10_000)
        {
            throw WardenException.BadRequest("bootstrap must be between 0 and 10000");
        }

        if (request.MinGroupSize is < 1)
        {
            throw WardenException.BadRequest("minGroupSize must be at least 1");
        }

        if (request.SensitiveFeatures is { } named)
        {
            if (named.Any(string.IsNullOrWhiteSpace))
            {
                throw WardenException.BadRequest("sensitiveFeatures must name attributes (no null or empty entries)");
            }

            if (named.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
            {
                throw WardenException.BadRequest($"sensitiveFeatures names '{twice.Key}' twice");
            }
        }

        var policy = _settings.Get<FairnessPolicySettings>(model, FairnessPolicySettings.Kind);
        var since = TimeWindow.Since(request.Since, _time.GetUtcNow());
        var record = await AuditAsync(model, request.Version, since, request, policy, actor, "manual", cancellationToken).ConfigureAwait(false)
            ?? throw WardenException.BadRequest(
                $"no labelled predictions of '{model}'{(request.Version is null ? "" : " version " + request.Version)} in the window (rows without the audited sensitive attributes are left out); send ground truth to /api/models/{model}/feedback");
        return record;
    }

    /// <summary>
    /// Runs every scheduled audit that is due: for each model with a policy, each version in the policy's stages whose last
    /// scheduled audit is older than the interval. Returns the audits made.
    /// </summary>
    public async Task<IReadOnlyList<FairnessAuditRecord>> RunDueAsync(CancellationToken cancellationToken = default)
    {
        var made = new List<FairnessAuditRecord>();
        foreach (var registered in _registry.Models.Values)
        {
            var policy = _settings.Get<FairnessPolicySettings>(registered.Name, FairnessPolicySettings.Kind);
            if (policy is null)
            {
                continue;
            }

            var now = _time.GetUtcNow();
            var interval = TimeWindow.Parse(policy.Interval, "interval");
            foreach (var version in registered.Versions.Where(v => policy.Stages.Contains(v.Stage)))
            {
                var last = await _store.LatestAsync(registered.Name, version.Version, "scheduled", cancellationToken).ConfigureAwait(false);
                if (last is not null && now - last.Time < interval)
                {
                    continue;
                }

                // The record read above is written when an audit ends, so an audit longer than a scheduler tick could start
                // again on the replica that claims the next tick: the audit runs under a lease of its model version, and
                // whoever takes the lease looks for a fresh record once more.
                await using var lease = _leases is null ? null
                    : await _leases.TryAcquireAsync($"fairness-audit:{registered.Name}:{version.Version}", cancellationToken).ConfigureAwait(false);
                if (_leases is not null && (lease is null
                    || await _store.LatestAsync(registered.Name, version.Version, "scheduled", cancellationToken).ConfigureAwait(false) is { } fresh && now - fresh.Time < interval))
                {
                    continue;
                }

                var request = new FairnessAuditRequest
                {
                    Version = version.Version,
                    Threshold = policy.Threshold,
                    PositiveLabel = policy.PositiveLabel,
                };
                var since = now - TimeWindow.Parse(policy.LabelWindow, "labelWindow");
                var record = await AuditAsync(registered.Name, version.Version, since, request, policy, "system", "scheduled", cancellationToken).ConfigureAwait(false);
                if (record is not null)
                {
                    made.Add(record);
                }
            }
        }

        return made;
    }

    /// <summary>Stored audits of a model, newest first.</summary>
    public Task<IReadOnlyList<FairnessAuditRecord>> ListAsync(string model, int limit, CancellationToken cancellationToken = default) =>
        _store.ListAsync(model, limit, cancellationToken);

    /// <summary>One stored audit, or null.</summary>
    public Task<FairnessAuditRecord?> GetAsync(string model, long id, CancellationToken cancellationToken = default) => _store.GetAsync(model, id, cancellationToken);

    private async Task<FairnessAuditRecord?> AuditAsync(
        string model, string? version, DateTimeOffset? since, FairnessAuditRequest request, FairnessPolicySettings? policy, string actor, string trigger,
        CancellationToken cancellationToken)
    {
        var card = CardOf(model, version);
        var labelled = await _feedback.QueryLabeledAsync(model, since, MaxRows, cancellationToken).ConfigureAwait(false);
        if (version is not null)
        {
            labelled = labelled.Where(l => l.Prediction.Version == version).ToList();
        }

        var sensitive = request.SensitiveFeatures is { Count: > 0 } named ? named
            : policy is { SensitiveFeatures.Count: > 0 } ? policy.SensitiveFeatures
            : card.SensitiveAttributes;
        var data = LiveFairnessData.Build(labelled, new LiveFairnessOptions
        {
            SensitiveFeatures = sensitive,
            ScoreOutput = card.ScoreOutput,
            LabelOutput = card.LabelOutput,
            Threshold = request.Threshold,
            PositiveLabel = request.PositiveLabel,
        });
        if (data.Dataset is null || (trigger == "scheduled" && data.Rows < (policy?.MinRows ?? 1)))
        {
            return null;
        }

        var options = new FairnessOptions
        {
            MinGroupSize = request.MinGroupSize ?? policy?.MinGroupSize ?? 30,
            BootstrapResamples = request.Bootstrap ?? policy?.Bootstrap ?? 200,
            Privileged = request.Privileged ?? policy?.Privileged ?? new Dictionary<string, string>(),
        };
        var source = $"{model}{(version is null ? "" : ":" + version)} live traffic{(since is null ? "" : " since " + since.Value.ToString("u", System.Globalization.CultureInfo.InvariantCulture))}";
        FairnessReport report;
        try
        {
            report = FairnessAnalyzer.Analyze(data.Dataset, options, source);
        }
        catch (ArgumentException ex)
        {
            // A privileged value that does not occur in the audited rows, or a privileged attribute that is not audited.
            throw WardenException.BadRequest(ex.Message);
        }

        report = report with { Dataset = report.Dataset with { ExcludedMissingSensitive = data.MissingSensitive } };
        bool? passed = null;
        IReadOnlyList<string> failures = [];
        if (policy is not null)
        {
            var evaluation = FairnessPolicyEvaluator.Evaluate(policy.ToPolicy(), report);
            passed = evaluation.Passed;
            failures = evaluation.Failures.Select(f => $"{f.Metric}{(f.Section is null ? "" : " on " + f.Section)}: {f.Reason}").ToList();
        }

        var record = await _store.AddAsync(
            new FairnessAuditRecord(0, model, version, _time.GetUtcNow(), actor, trigger, data.Rows, passed, failures, FairnessReportJson.Serialize(report)),
            cancellationToken).ConfigureAwait(false);
        _metrics?.RecordFairnessAudit(model, passed);
        if (passed == false)
        {
            var details = new { audit = record.Id, version, rows = record.Rows, failures };
            await _audit.AppendAsync(actor, FailedEvent, $"{model}:{version ?? "*"}", details, cancellationToken).ConfigureAwait(false);
            _events.Publish(FailedEvent, new { model, version, audit = record.Id, rows = record.Rows, failures });
        }

        return record;
    }

    private ModelCard CardOf(string model, string? version)
    {
        if (!_registry.Models.TryGetValue(model, out var registered))
        {
            throw WardenException.NotFound($"model '{model}' is not found");
        }

        var record = version is null
            ? registered.FindVersion(registered.ProductionVersion ?? registered.Versions[^1].Version)
            : registered.FindVersion(version) ?? throw WardenException.NotFound($"version '{version}' of model '{model}' is not found");
        return ModelRegistry.ReadCard(record!);
    }
}
