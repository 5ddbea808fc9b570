using System.Globalization;
using Warden.Contracts.Registry;

namespace Warden.Training.Mitigation;

/// <summary>Turns the demo model's card into the card of a mitigated model: mitigation, hold-out metrics, parameters, caveats.</summary>
internal static class MitigationCard
{
    public static void Apply(ModelCard card, MitigationReport report, MitigationMethod method, string attribute = HmdaDataset.SensitiveAttribute,
        string label = HmdaDataset.LabelName)
    {
        var inv = CultureInfo.InvariantCulture;
        var m = report.Served ?? report.After;
        card.Mitigation = report.Mitigation + (method is MitigationMethod.None or MitigationMethod.Reweighing or MitigationMethod.Resampling
            ? "" : $" ({report.Constraint})");
        card.Metrics = new Dictionary<string, double>
        {
            ["accuracy"] = Math.Round(m.Accuracy, 6),
            ["auc"] = Math.Round(m.Auc, 6),
            ["baseline_accuracy"] = Math.Round(report.Before.Accuracy, 6),
            ["baseline_auc"] = Math.Round(report.Before.Auc, 6),
        };
        foreach (var (group, rate) in m.SelectionRate)
        {
            if (rate is { } r)
            {
                card.Metrics[$"selection_rate_{group}"] = Math.Round(r, 6);
            }
        }

        Add(card.Metrics, "demographic_parity_difference", m.DemographicParityDifference);
        Add(card.Metrics, "equalized_odds_difference", m.EqualizedOddsDifference);
        Add(card.Metrics, "baseline_demographic_parity_difference", report.Before.DemographicParityDifference);
        Add(card.Metrics, "baseline_equalized_odds_difference", report.Before.EqualizedOddsDifference);

        card.Parameters["mitigation"] = report.Mitigation;
        card.Parameters["mitigation_constraint"] = report.Constraint;
        foreach (var (key, value) in report.Details)
        {
            card.Parameters["mitigation " + key] = value;
        }

        var what = method switch
        {
            MitigationMethod.None => "No bias mitigation was applied (mitigation: none).",
            MitigationMethod.Reweighing => $"Mitigation: reweighing (Kamiran & Calders 2012) — training rows weighted by P({attribute})P({label})/P({attribute}, {label}) as ML.NET example weights.",
            MitigationMethod.Resampling => $"Mitigation: uniform resampling (Kamiran & Calders 2012) — each ({attribute}, {label}) cell resampled to n·P({attribute})·P({label}) rows.",
            MitigationMethod.ExponentiatedGradient when Best(report) => $"Mitigation: exponentiated-gradient reduction (Agarwal et al. 2018) for {report.Constraint}, serving the best single classifier: of the {report.Details["classifiers"]} logistic models it found, number {report.Details["best classifier"]}, the most accurate on the training rows among those meeting the constraint (meets it: {report.Details["best classifier meets the constraint (|gamma| <= epsilon)"]}). It is deterministic; the randomised mixture that Fairlearn's predict serves was not deployed.",
            MitigationMethod.ExponentiatedGradient => $"Mitigation: exponentiated-gradient reduction (Agarwal et al. 2018) for {report.Constraint}; the result is a randomised classifier over {report.Details["classifiers"]} logistic models. The served ONNX graph outputs probability = P(randomised classifier predicts positive); the server draws the label from the mixture with a generator seeded by the request id, so the served labels meet the constraint in expectation and a repeated request gets the same label (the deterministic rule probability > 0.5 is reported separately as 'served').",
            MitigationMethod.Adversarial => $"Mitigation: adversarial debiasing (Zhang, Lemoine & Mitchell 2018) for {report.Constraint}; a logistic adversary predicting {attribute} from the model's logit was trained jointly. Predictor: {report.Details.GetValueOrDefault("predictor", "logistic (no hidden layer)")}.",
            MitigationMethod.Threshold => $"Mitigation: post-processing thresholds per {attribute} group (Hardt, Price & Srebro 2016) for {report.Constraint}, stored in {GroupThresholdsDocument.FileName}; the server must apply them to the probability output, the label output of model.onnx alone is unmitigated.",
            _ => throw new ArgumentOutOfRangeException(nameof(method)),
        };
        var index = card.EthicalConsiderations.FindIndex(s => s.StartsWith("No bias mitigation", StringComparison.Ordinal));
        if (index >= 0)
        {
            card.EthicalConsiderations[index] = what;
        }
        else
        {
            card.EthicalConsiderations.Add(what);
        }

        card.EthicalConsiderations.Add(string.Create(inv,
            $"Hold-out effect (seed {report.Seed}): demographic parity difference {F(report.Before.DemographicParityDifference)} → {F(m.DemographicParityDifference)}, equalized odds difference {F(report.Before.EqualizedOddsDifference)} → {F(m.EqualizedOddsDifference)}, accuracy {F(report.Before.Accuracy)} → {F(m.Accuracy)}."));
        if (method == MitigationMethod.ExponentiatedGradient && !Best(report))
        {
            card.Parameters[Warden.Core.Monitoring.MixtureLabelInterceptor.CardParameter] = Warden.Core.Monitoring.MixtureLabelInterceptor.MixtureDraw;
            card.Description = card.Description.Replace("true = deny at probability > 0.5", "true = deny when the randomised mixture denies with probability > 0.5", StringComparison.Ordinal)
                .Replace("P(deny = yes)", "probability that the randomised classifier denies", StringComparison.Ordinal);
        }
    }

    private static bool Best(MitigationReport report) => report.Details.GetValueOrDefault("served") == "best single classifier";

    private static void Add(Dictionary<string, double> metrics, string name, double? value)
    {
        if (value is { } v)
        {
            metrics[name] = Math.Round(v, 6);
        }
    }

    private static string F(double? v) => v is { } x ? x.ToString("0.0000", CultureInfo.InvariantCulture) : "n/a";
}
