using System.Globalization;
using System.Reflection;
using MathNet.Numerics.Statistics;
using Microsoft.ML;
using Warden.Contracts.Registry;

namespace Warden.Training;

/// <summary>Writes the model card of <c>credit-risk</c> from the trained model and its measured metrics.</summary>
internal static class CreditRiskCard
{
    private static readonly Dictionary<string, string> FeatureDescriptions = new(StringComparer.Ordinal)
    {
        ["pirat"] = "Payments-to-income ratio (monthly debt payments / monthly income).",
        ["hirat"] = "Housing-expense-to-income ratio.",
        ["lvrat"] = "Loan-to-value ratio (loan amount / appraised property value).",
        ["chist"] = "Consumer credit history, 1 (no slow payments) to 6 (serious delinquencies).",
        ["mhist"] = "Mortgage credit history, 1 (no late payments) to 4 (two or more 60-day late payments).",
        ["phist"] = "Public record of bad credit (bankruptcy, charge-off, collection): 1 yes, 0 no.",
        ["unemp"] = "1989 Massachusetts unemployment rate in the applicant's industry, percent.",
        ["selfemp"] = "Applicant is self-employed: 1 yes, 0 no.",
        ["insurance"] = "Applicant was denied private mortgage insurance: 1 yes, 0 no.",
        ["condomin"] = "Unit is a condominium: 1 yes, 0 no.",
        ["single"] = "Applicant is single: 1 yes, 0 no.",
        ["hschool"] = "Applicant has a high-school diploma: 1 yes, 0 no.",
    };

    public static ModelCard Create(CreditRiskModel model, CreditRiskMetrics metrics, string dataFile, string dataSha256)
    {
        var inv = CultureInfo.InvariantCulture;
        var trainDenied = model.Train.Count(r => r.Deny);
        var all = model.Train.Concat(model.Holdout).ToList();
        var denialRate = all.Count(r => r.Deny) / (double)all.Count;
        var proxies = string.Join(", ", StrongestCorrelates(all, 4).Select(p => $"{p.Feature} {p.R.ToString("0.00", inv)}"));
        return new ModelCard
        {
            Name = CreditRiskTrainer.ModelName,
            Description =
                "Predicts whether a Boston-area home-mortgage application (1990 HMDA data) is denied. " +
                $"Outputs '{CreditRiskTrainer.LabelOutput}' (BOOL [N,1], true = deny at probability > 0.5) and " +
                $"'{CreditRiskTrainer.ScoreOutput}' (FLOAT [N,1], P(deny = yes)). Demonstration model for Warden.",
            Owner = "Warden demo",
            IntendedUses = ["credit-decision-support", "fairness-research"],
            OutOfScopeUses = ["automated-final-denial", "marketing"],
            TrainingData = new TrainingDataInfo
            {
                Source =
                    "Boston HMDA data set (Munnell, Tootell, Browne & McEneaney 1996, American Economic Review 86: 25-53), " +
                    $"as shipped in R package AER 1.2-10 (data set HMDA); file samples/data/{dataFile}, sha256 {dataSha256}.",
                Rows = model.Train.Count,
                HoldoutRows = model.Holdout.Count,
                Label = "deny (mortgage denied); positive value 'yes'",
                Preparation =
                    "yes/no columns encoded 1/0; chist and mhist read as numbers; afam kept out of the inputs. " +
                    $"Stratified split by deny: {CreditRiskTrainer.HoldoutFraction.ToString(inv)} of each class held out, " +
                    $"chosen by a SplitMix64 Fisher-Yates shuffle with seed {model.Seed.ToString(inv)}. " +
                    $"Training rows: {model.Train.Count.ToString(inv)} ({trainDenied.ToString(inv)} denied); " +
                    $"hold-out rows: {metrics.Rows.ToString(inv)} ({metrics.Positives.ToString(inv)} denied). " +
                    "Min-max normalisation fitted on the training rows only.",
            },
            DataProfile = Profile(model.Train),
            References =
            [
                "Munnell, Tootell, Browne & McEneaney (1996), Mortgage Lending in Boston: Interpreting HMDA Data, American Economic Review 86(1): 25-53.",
                "Kleiber & Zeileis (2008), Applied Econometrics with R (package AER, data set HMDA).",
            ],
            Features = HmdaDataset.FeatureNames
                .Select(n => new FeatureInfo { Name = n, Description = FeatureDescriptions[n], Redaction = "keep" })
                .ToList(),
            SensitiveAttributes = [HmdaDataset.SensitiveAttribute],
            Metrics = new Dictionary<string, double>
            {
                ["auc"] = Math.Round(metrics.Auc, 6),
                ["accuracy"] = Math.Round(metrics.Accuracy, 6),
                ["log_loss_bits"] = Math.Round(metrics.LogLoss, 6),
                ["f1"] = Math.Round(metrics.F1, 6),
                ["precision"] = Math.Round(metrics.Precision, 6),
                ["recall"] = Math.Round(metrics.Recall, 6),
                ["auprc"] = Math.Round(metrics.Auprc, 6),
            },
            Limitations =
            [
                "Trained on 1990 applications from one metropolitan area (Boston); lending rules, prices and populations have changed since, so scores do not transfer to other markets or years without re-validation.",
                $"Small data: {model.Train.Count.ToString(inv)} training and {metrics.Rows.ToString(inv)} hold-out rows; the hold-out metrics carry sampling error of a few points.",
                $"Denials are rare ({denialRate.ToString("0.0 %", inv)} of all rows); at the fixed 0.5 threshold the model catches {metrics.Recall.ToString("0 %", inv)} of held-out denials, so the probability, not the label, should drive review.",
                "Linear in min-max normalised inputs; inputs outside the training range are extrapolated linearly.",
                "Labels are past lender decisions, not repayment outcomes: the model imitates those decisions, including any bias in them.",
            ],
            EthicalConsiderations =
            [
                $"Race (afam) is excluded from the inputs, but proxies may remain: in this data the inputs most correlated with afam (Pearson r) are {proxies}, so excluding it does not make predictions race-blind in effect.",
                "afam is recorded with predictions only for fairness audits (e.g. selection-rate and error-rate gaps by group); it must never be fed to the model.",
                "The HMDA study was assembled to investigate racial discrimination in mortgage lending; the training labels may encode it.",
                "No bias mitigation was applied (mitigation: none).",
                "Decision support only: a denial must not be issued automatically on the model's output; a person reviews every adverse decision.",
            ],
            Parameters = new Dictionary<string, string>
            {
                ["algorithm"] = "ML.NET LbfgsLogisticRegression (L-BFGS / OWL-QN), probability = sigmoid(score)",
                ["normalizer"] = "NormalizeMinMax on the concatenated features",
                ["l1_regularization"] = CreditRiskTrainer.L1Regularization.ToString("R", inv),
                ["l2_regularization"] = CreditRiskTrainer.L2Regularization.ToString("R", inv),
                ["optimization_tolerance"] = CreditRiskTrainer.OptimizationTolerance.ToString("R", inv),
                ["threads"] = "1",
                ["seed"] = model.Seed.ToString(inv),
                ["holdout_fraction"] = CreditRiskTrainer.HoldoutFraction.ToString(inv),
                ["decision_threshold"] = "0.5",
                ["ml_net_version"] = VersionOf(typeof(MLContext).Assembly),
                ["onnx_converter_version"] = VersionOf(typeof(OnnxExportExtensions).Assembly),
            },
            Mitigation = "none",
            ScoreOutput = CreditRiskTrainer.ScoreOutput,
            LabelOutput = CreditRiskTrainer.LabelOutput,
        };
    }

    /// <summary>Per-input mean, sample standard deviation, min and max, and the afam groups' shares and denial rates.</summary>
    internal static DataProfileInfo Profile(IReadOnlyList<HmdaApplication> rows)
    {
        var columns = HmdaDataset.FeatureNames.Select((name, i) =>
        {
            var values = rows.Select(r => (double)r.Features()[i]).ToArray();
            return new ColumnProfileInfo
            {
                Name = name,
                Count = values.Length,
                Mean = Math.Round(values.Mean(), 6),
                StdDev = Math.Round(values.StandardDeviation(), 6),
                Min = values.Min(),
                Max = values.Max(),
            };
        }).ToList();
        var groups = rows.GroupBy(r => r.Afam >= 0.5f ? "yes" : "no").OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new GroupShareInfo
        {
            Attribute = HmdaDataset.SensitiveAttribute,
            Value = g.Key,
            Count = g.Count(),
            Share = Math.Round(g.Count() / (double)rows.Count, 6),
            BaseRate = Math.Round(g.Count(r => r.Deny) / (double)g.Count(), 6),
        }).ToList();
        return new DataProfileInfo
        {
            Rows = rows.Count,
            BaseRate = Math.Round(rows.Count(r => r.Deny) / (double)rows.Count, 6),
            Columns = columns,
            Groups = groups,
        };
    }

    /// <summary>The features with the largest |Pearson r| against <c>afam</c> over all rows, strongest first.</summary>
    internal static IReadOnlyList<(string Feature, double R)> StrongestCorrelates(IReadOnlyList<HmdaApplication> rows, int count)
    {
        var afam = rows.Select(r => (double)r.Afam).ToArray();
        return HmdaDataset.FeatureNames
            .Select((name, i) => (name, Correlation.Pearson(afam, rows.Select(r => (double)r.Features()[i]))))
            .OrderByDescending(p => Math.Abs(p.Item2))
            .Take(count)
            .ToList();
    }

    internal static string VersionOf(Assembly assembly)
    {
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString() ?? "unknown";
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? informational : informational[..plus];
    }
}
