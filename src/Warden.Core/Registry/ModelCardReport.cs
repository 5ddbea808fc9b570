using System.Globalization;
using Warden.Contracts.Registry;
using Warden.Core.Fairness;
using Warden.Core.Monitoring;

namespace Warden.Core.Registry;

/// <summary>
/// Everything a rendered model card shows for one version, laid out as the sections of Google's Model Card Toolkit schema
/// (model_details, model_parameters, quantitative_analysis, considerations; https://github.com/tensorflow/model-card-toolkit,
/// schema v0.0.2) plus the data profile. Built by <see cref="ModelCardSources"/>; rendered by <see cref="ModelCardMarkdown"/>
/// and <see cref="ModelCardHtml"/>, which share <see cref="Sections"/> so both show exactly the same text.
/// </summary>
public sealed class ModelCardReport
{
    /// <summary>Creates the report.</summary>
    public ModelCardReport(ModelVersionRecord record, FairnessAuditRecord? audit, FairnessReport? auditReport, ReferenceSnapshot? reference, FairnessPolicySettings? policy)
    {
        Record = record;
        Card = ModelRegistry.ReadCard(record);
        Signature = VersionSignature.Parse(record.SignatureJson);
        Audit = audit;
        AuditReport = auditReport;
        Reference = reference;
        Policy = policy;
    }

    /// <summary>The version.</summary>
    public ModelVersionRecord Record { get; }

    /// <summary>Its card as deployed.</summary>
    public ModelCard Card { get; }

    /// <summary>Its stored signature.</summary>
    public VersionSignature Signature { get; }

    /// <summary>The latest stored fairness audit of this version, or null.</summary>
    public FairnessAuditRecord? Audit { get; }

    /// <summary>The audit's report, or null.</summary>
    public FairnessReport? AuditReport { get; }

    /// <summary>The drift reference profile of this version, or null.</summary>
    public ReferenceSnapshot? Reference { get; }

    /// <summary>The model's fairness policy settings, or null.</summary>
    public FairnessPolicySettings? Policy { get; }

    /// <summary>The card's content as titled blocks, in Model Card Toolkit order.</summary>
    public IReadOnlyList<ModelCardSection> Sections()
    {
        var inv = CultureInfo.InvariantCulture;
        var sections = new List<ModelCardSection>();
        var card = Card;

        var details = new ModelCardSection("Model details");
        if (!string.IsNullOrWhiteSpace(card.Description))
        {
            details.Paragraphs.Add(card.Description);
        }

        details.Facts.Add(("Name", Record.Model));
        details.Facts.Add(("Version", Record.Version));
        details.Facts.Add(("Kind", Record.Kind));
        details.Facts.Add(("Stage", Record.Stage));
        details.Facts.Add(("SHA-256", Record.Sha256));
        details.Facts.Add(("Owners", string.IsNullOrWhiteSpace(card.Owner) ? "not stated" : card.Owner));
        details.Facts.Add(("Created", Record.DeployedAt.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", inv) + " by " + Record.DeployedBy));
        if (!string.IsNullOrWhiteSpace(card.License))
        {
            details.Facts.Add(("License", card.License));
        }

        details.Lists.Add(("References", card.References));
        sections.Add(details);

        var parameters = new ModelCardSection("Model parameters");
        parameters.Facts.Add(("Format", Record.Kind == ModelKinds.Pipeline ? "Warden pipeline document (canonical JSON)" : "ONNX"));
        foreach (var (name, value) in card.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            parameters.Facts.Add((name, value));
        }

        if (card.Mitigation is not null)
        {
            parameters.Facts.Add(("Bias mitigation", card.Mitigation));
        }

        var descriptions = card.Features.ToDictionary(f => f.Name, f => f.Description, StringComparer.Ordinal);
        parameters.Tables.Add(new ModelCardTable("Inputs", ["name", "datatype", "shape", "description"],
            Signature.Inputs.Select(i => (IReadOnlyList<string>)[i.Name, i.Datatype, Shape(i.Shape), descriptions.GetValueOrDefault(i.Name, "")]).ToList()));
        parameters.Tables.Add(new ModelCardTable("Outputs", ["name", "datatype", "shape", "role"],
            Signature.Outputs.Select(o => (IReadOnlyList<string>)[o.Name, o.Datatype, Shape(o.Shape), o.Name == card.ScoreOutput ? "score" : o.Name == card.LabelOutput ? "label" : ""]).ToList()));
        if (card.TrainingData is { } data)
        {
            parameters.Facts.Add(("Training data", data.Source));
            parameters.Facts.Add(("Training rows", data.Rows.ToString(inv)));
            parameters.Facts.Add(("Hold-out rows", data.HoldoutRows.ToString(inv)));
            parameters.Facts.Add(("Label", data.Label));
            parameters.Facts.Add(("Preparation", data.Preparation));
        }

        sections.Add(parameters);

        var quantitative = new ModelCardSection("Quantitative analysis");
        quantitative.Tables.Add(new ModelCardTable("Metrics on held-out data (from the card)", ["metric", "value"],
            card.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => (IReadOnlyList<string>)[m.Key, Num(m.Value)]).ToList()));
        if (Audit is null)
        {
            quantitative.Paragraphs.Add("No fairness audit of this version is stored yet.");
        }
        else
        {
            var verdict = Audit.Passed switch { true => "passed the policy", false => "FAILED the policy", null => "no policy evaluated" };
            quantitative.Paragraphs.Add(string.Create(inv,
                $"Latest fairness audit #{Audit.Id} ({Audit.Trigger}, {Audit.Time:yyyy-MM-dd HH:mm} UTC, {Audit.Rows} labelled rows): {verdict}."));
            quantitative.Lists.Add(("Audit failures", Audit.Failures));
            if (AuditReport is { } report)
            {
                var slices = new List<IReadOnlyList<string>> { Slice("overall", report.Overall) };
                foreach (var section in report.Sections)
                {
                    slices.AddRange(section.Groups.Select(g => Slice(g.Key, g)));
                }

                quantitative.Tables.Add(new ModelCardTable("Metrics per slice (latest audit)",
                    ["slice", "n", "selection rate", "base rate", "accuracy", "TPR", "FPR"], slices));
                quantitative.Tables.Add(new ModelCardTable("Disparities (latest audit)", ["section", "metric", "value", "95% interval"],
                    report.Sections.SelectMany(s => s.Disparities.Select(d => (IReadOnlyList<string>)[s.Key, d.Name, Num(d.Value), Interval(d.Lower, d.Upper)])).ToList()));
            }
        }

        sections.Add(quantitative);

        var profile = new ModelCardSection("Data profile");
        if (card.DataProfile is { } training)
        {
            var rate = training.BaseRate is { } b ? $", positive-label rate {Num(b)}." : ".";
            profile.Paragraphs.Add(string.Create(inv, $"Training data: {training.Rows} rows{rate}"));
            profile.Tables.Add(new ModelCardTable("Training inputs", ["input", "n", "mean", "std dev", "min", "max"],
                training.Columns.Select(c => (IReadOnlyList<string>)[c.Name, c.Count.ToString(inv), Num(c.Mean), Num(c.StdDev), Num(c.Min), Num(c.Max)]).ToList()));
            profile.Tables.Add(new ModelCardTable("Group representation", ["attribute", "group", "n", "share", "positive-label rate"],
                training.Groups.Select(g => (IReadOnlyList<string>)[g.Attribute, g.Value, g.Count.ToString(inv), Num(g.Share), g.BaseRate is { } b ? Num(b) : "–"]).ToList()));
        }
        else
        {
            profile.Paragraphs.Add("The card records no training-data profile.");
        }

        if (Reference is { } reference)
        {
            profile.Paragraphs.Add(string.Create(inv, $"Drift reference ({reference.Source}, set by {reference.Actor} on {reference.Time:yyyy-MM-dd}): {reference.Profile.RowCount} rows."));
            profile.Tables.Add(new ModelCardTable("Drift reference per feature", ["feature", "kind", "n", "missing", "mean", "std dev", "min", "max"],
                reference.Profile.Features.Select(f => (IReadOnlyList<string>)
                [
                    f.Name, f.Kind.ToString().ToLowerInvariant(), f.Count.ToString(inv), f.Missing.ToString(inv),
                    Opt(f.Mean), Opt(f.StdDev), Opt(f.Min), Opt(f.Max),
                ]).ToList()));
        }

        sections.Add(profile);

        var considerations = new ModelCardSection("Considerations");
        considerations.Lists.Add(("Intended uses", card.IntendedUses));
        considerations.Lists.Add(("Out-of-scope (prohibited) uses", card.OutOfScopeUses));
        considerations.Lists.Add(("Limitations", card.Limitations));
        considerations.Lists.Add(("Ethical risks and mitigations", card.EthicalConsiderations));
        considerations.Lists.Add(("Sensitive attributes (recorded, never model inputs)", card.SensitiveAttributes));
        considerations.Lists.Add(("Fairness policy", Policy is null
            ? ["No fairness policy is set for this model."]
            : Policy.Rules.Select(r => $"{r.Metric}" + (r.Section is null ? "" : $" on {r.Section}") + (r.Min is { } min ? $" ≥ {Num(min)}" : "") + (r.Max is { } max ? $" ≤ {Num(max)}" : ""))
                .Append($"sensitive features: {string.Join(", ", Policy.SensitiveFeatures)}; minimum group size {Policy.MinGroupSize.ToString(inv)}").ToList()));
        sections.Add(considerations);
        return sections;
    }

    private static IReadOnlyList<string> Slice(string key, GroupMetrics g) =>
        [key, g.Count.ToString(CultureInfo.InvariantCulture), Opt(g.SelectionRate.Value), Opt(g.BaseRate.Value), Opt(g.Accuracy.Value), Opt(g.TruePositiveRate.Value), Opt(g.FalsePositiveRate.Value)];

    private static string Shape(long[] shape) => "[" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";

    private static string Num(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    private static string Num(double? value) => Opt(value);

    private static string Opt(double? value) => value is { } v && double.IsFinite(v) ? Num(v) : "–";

    private static string Interval(double? lower, double? upper) => lower is null || upper is null ? "–" : $"[{Num(lower.Value)}, {Num(upper.Value)}]";
}
