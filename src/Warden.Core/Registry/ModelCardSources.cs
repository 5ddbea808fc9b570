using Warden.Core.Fairness;
using Warden.Core.Monitoring;
using Warden.Core.Settings;
using Warden.Core.Storage;

namespace Warden.Core.Registry;

/// <summary>Gathers what a rendered card shows: the version record, its latest fairness audit, its drift reference, the fairness policy.</summary>
public sealed class ModelCardSources(ModelRegistry registry, IFairnessAuditStore audits, IReferenceProfileStore references, ModelSettings settings)
{
    /// <summary>The report for <paramref name="model"/> version <paramref name="version"/> (production, else the newest, when null).</summary>
    public async Task<ModelCardReport> LoadAsync(string model, string? version, CancellationToken cancellationToken = default)
    {
        var registered = registry.Models.TryGetValue(model, out var found) ? found : throw WardenException.NotFound($"model '{model}' is not found");
        var label = version ?? registered.ProductionVersion ?? registered.Versions[^1].Version;
        var record = registered.FindVersion(label) ?? throw WardenException.NotFound($"version '{label}' of model '{model}' is not found");
        var audit = await audits.LatestAsync(model, record.Version, null, cancellationToken).ConfigureAwait(false);
        FairnessReport? report = null;
        if (audit is not null && !string.IsNullOrEmpty(audit.ReportJson))
        {
            try
            {
                report = FairnessReportJson.Deserialize(audit.ReportJson);
            }
            catch (System.Text.Json.JsonException)
            {
                // An audit that stored no report (e.g. too few labelled rows) still shows its verdict and failures.
            }
        }

        var reference = await references.GetAsync(model, record.Version, cancellationToken).ConfigureAwait(false);
        var policy = settings.Get<FairnessPolicySettings>(model, FairnessPolicySettings.Kind);
        return new ModelCardReport(record, audit, report, reference, policy);
    }
}
