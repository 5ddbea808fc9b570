using Microsoft.ML;
using Warden.Core.Retraining;
using Warden.Training.Retraining;

namespace Warden.Training.Tests.Retraining;

public sealed class FeedbackWeightTests
{
    private static readonly string Hmda = Warden.Tests.RepoFiles.Path("samples/data/hmda.csv");

    private static float[] Probabilities(ITransformer model, MLContext context, IEnumerable<HmdaApplication> rows) =>
        context.Data.CreateEnumerable<CreditRiskPrediction>(model.Transform(context.Data.LoadFromEnumerable(rows)), reuseRowObject: false)
            .Select(p => p.Probability).ToArray();

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(40)]
    public void At_the_weighted_optimum_the_weighted_mean_probability_equals_the_weighted_denial_rate(float w)
    {
        // The gradient of Σ_i w_i·logloss_i with respect to the (unpenalised) bias is Σ_i w_i·(p_i − y_i); at the optimum it is 0,
        // so Σ w_i·p_i / Σ w_i = Σ w_i·y_i / Σ w_i. Hand check of the target for w = 5: the first 300 rows hold 32 denials; the 40 heavy
        // rows are the first 40 denials of the file (those 32 plus 8 later ones), so the sample is 268 approvals + 40 denials = 308 rows
        // and the weighted denial rate is 5·40 / (268 + 5·40) = 200 / 468 = 0.42735 — far from the unweighted 40 / 308 = 0.12987.
        var all = HmdaDataset.Load(Hmda).ToList();
        var denied = all.Where(r => r.Deny).Take(40).ToList();
        var rows = all.Take(300).Where(r => !denied.Contains(r)).Concat(denied).ToList();
        var heavy = denied.ToHashSet(ReferenceEqualityComparer.Instance);
        foreach (var row in rows)
        {
            row.Weight = heavy.Contains(row) ? w : 1f;
        }

        var context = new MLContext(42);
        var model = CreditRiskRetrainer.WeightedPipeline(context).Fit(context.Data.LoadFromEnumerable(rows));
        var p = Probabilities(model, context, rows);
        double Weight(HmdaApplication r) => heavy.Contains(r) ? w : 1;
        var weightSum = rows.Sum(Weight);
        var target = rows.Sum(r => Weight(r) * (r.Deny ? 1 : 0)) / weightSum;
        var meanP = rows.Select((r, i) => Weight(r) * p[i]).Sum() / weightSum;
        Assert.Equal(target, meanP, 2e-3);
        if (w == 5)
        {
            Assert.Equal(308, rows.Count);
            Assert.Equal(200.0 / 468, target, 9);
        }
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(8, true)]
    [InlineData(1000, true)]
    [InlineData(0.5, false)]
    [InlineData(1000.5, false)]
    [InlineData(double.NaN, false)]
    [InlineData(double.PositiveInfinity, false)]
    public void Feedback_weight_must_be_finite_and_between_1_and_1000(double weight, bool valid)
    {
        var policy = new RetrainPolicySettings { TrainingData = "hmda.csv", FeedbackWeight = weight };
        Assert.Equal(valid, policy.Validate().Count == 0);
        Assert.Equal(valid, RetrainPolicySettings.FeedbackWeightProblem(weight) is null);
    }

    [Fact]
    public async Task Weighted_jobs_log_the_weights_and_record_them_with_the_feedback_hold_out_metrics_on_the_card()
    {
        // 60 feedback rows: real HMDA applicants 1–60 with pirat sent as a percentage (×100), and their true outcomes.
        var feedback = HmdaDataset.Load(Hmda).Take(60).Select((r, i) => new FeedbackRow(
            $"p{i}",
            HmdaDataset.FeatureNames.Zip(r.Features()).ToDictionary(p => p.First, p => p.First == "pirat" ? p.Second * 100.0 : p.Second),
            r.Deny, new Dictionary<string, string> { ["afam"] = r.Afam == 1f ? "yes" : "no" }, "api")).ToList();
        var log = new List<string>();
        var input = new RetrainInput("credit-risk", "1", null, Hmda, feedback, 42, 400, 5, log.Add);
        var output = await new CreditRiskRetrainer().TrainAsync(input, new Progress<RetrainProgress>(), TestContext.Current.CancellationToken);

        // Stratified 20 % hold-out of 460 rows: the training split holds 400 − holdout-file + 60 − holdout-feedback rows.
        var trainFeedback = 60 - int.Parse(output.Card.Parameters["feedback_holdout_rows"], System.Globalization.CultureInfo.InvariantCulture);
        var trainFile = output.Card.TrainingData!.Rows - trainFeedback;
        Assert.Contains($"example weights: file rows 1, feedback rows 5; training weight {trainFile} file + {trainFeedback * 5} feedback ({trainFeedback} rows)", log);
        Assert.Contains(log, l => l.StartsWith("held-out feedback rows alone: AUC ", StringComparison.Ordinal));
        Assert.Equal("5", output.Card.Parameters["feedback_weight"]);
        Assert.InRange(double.Parse(output.Card.Parameters["feedback_holdout_auc"], System.Globalization.CultureInfo.InvariantCulture), 0, 1);
    }
}
