using System.Text.Json;
using Warden.Core.Retraining;
using Warden.Training.Retraining;

namespace Warden.Training.Tests.Retraining;

public sealed class CreditRiskRetrainerTests
{
    private static readonly string Hmda = Warden.Tests.RepoFiles.Path("samples/data/hmda.csv");

    private static RetrainInput Input(IReadOnlyList<FeedbackRow> feedback, int? maxRows = null, List<string>? log = null) =>
        new("credit-risk", "1", null, Hmda, feedback, 42, maxRows, 1, line => log?.Add(line));

    private static FeedbackRow Row(string id, bool deny, string? afam)
    {
        double[] values = [0.3, 0.25, 0.8, 2, 2, 0, 3.2, 0, 0, 0, 1, 1];
        var inputs = HmdaDataset.FeatureNames.Select((n, i) => (n, values[i])).ToDictionary(p => p.n, p => p.Item2);
        return new FeedbackRow(id, inputs, deny, afam is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["afam"] = afam }, "review");
    }

    private sealed class Inline(Action<RetrainProgress> report) : IProgress<RetrainProgress>
    {
        public void Report(RetrainProgress value) => report(value);
    }

    [Fact]
    public async Task Without_feedback_it_reproduces_the_published_credit_risk_card_metrics()
    {
        // The demo model's card.json was written by 'warden train' (CreditRiskTrainer) on the same file with seed 42.
        using var published = JsonDocument.Parse(await File.ReadAllTextAsync(Warden.Tests.RepoFiles.Path("samples/models/credit-risk/1/card.json"), TestContext.Current.CancellationToken));
        var output = await new CreditRiskRetrainer().TrainAsync(Input([]), new Inline(_ => { }), TestContext.Current.CancellationToken);
        Assert.Equal(published.RootElement.GetProperty("metrics").GetProperty("auc").GetDouble(), output.Card.Metrics["auc"], 6);
        Assert.Equal(published.RootElement.GetProperty("metrics").GetProperty("accuracy").GetDouble(), output.Card.Metrics["accuracy"], 6);
        Assert.Equal(1904, output.Card.TrainingData!.Rows);
        Assert.Equal("1", output.Card.Parameters["parent_version"]);
        Assert.Equal("0", output.Card.Parameters["feedback_rows"]);
    }

    [Fact]
    public async Task Feedback_rows_join_the_sample_and_rows_without_the_sensitive_value_are_left_out_of_fairness()
    {
        var feedback = Enumerable.Range(0, 10).Select(i => Row($"p{i}", i < 5, i % 2 == 0 ? "yes" : null)).ToList();
        var log = new List<string>();
        var phases = new List<string>();
        var output = await new CreditRiskRetrainer().TrainAsync(Input(feedback, maxRows: 200, log), new Inline(p => phases.Add(p.Phase)), TestContext.Current.CancellationToken);

        // 200 sampled rows + 10 feedback rows = 210, split 80/20 within each class.
        Assert.Equal(210, output.Card.TrainingData!.Rows + output.Card.TrainingData.HoldoutRows);
        Assert.Equal("10", output.Card.Parameters["feedback_rows"]);
        Assert.Equal(output.Card.TrainingData.HoldoutRows, output.Holdout.Labels.Length);
        var csv = output.ReferenceCsv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(string.Join(",", HmdaDataset.FeatureNames) + ",deny", csv[0]);
        Assert.Equal(output.Card.TrainingData.Rows, csv.Length - 1);
        Assert.Equal(["loading training data", "training", "evaluating", "exporting ONNX", "scoring held-out rows", "trained"], phases);
        Assert.Contains("added 10 labelled feedback row(s) (0 skipped for missing inputs); 210 rows in all", log);
        Assert.All(output.Holdout.Scores, s => Assert.InRange(s, 0, 1));
        Assert.True(output.Onnx.Length > 0);
    }

    [Fact]
    public async Task Cancelling_during_the_training_phase_stops_the_fit()
    {
        using var source = new CancellationTokenSource();
        var progress = new Inline(p =>
        {
            if (p.Phase == "training")
            {
                source.Cancel();
            }
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new CreditRiskRetrainer().TrainAsync(Input([]), progress, source.Token));
    }

    [Fact]
    public void Models_with_other_inputs_are_refused_with_the_reason()
    {
        Assert.Null(new CreditRiskRetrainer().Unsupported("credit-risk", HmdaDataset.FeatureNames.Reverse().ToList()));
        Assert.Contains("cannot be retrained", new CreditRiskRetrainer().Unsupported("digits", ["pixels"]));
    }
}
