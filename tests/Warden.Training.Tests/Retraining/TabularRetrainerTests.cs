using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Warden.Contracts.Registry;
using Warden.Core.Retraining;
using Warden.Training.Retraining;
using Warden.Training.Tabular;

namespace Warden.Training.Tests.Retraining;

/// <summary>Retraining a model that the generic trainer produced from a non-HMDA CSV (CPS 1985) uses its recorded settings.</summary>
public sealed class TabularRetrainerTests
{
    private static readonly string Cps = Warden.Tests.RepoFiles.Path("samples/data/cps1985.csv");

    private sealed class Inline(Action<RetrainProgress> report) : IProgress<RetrainProgress>
    {
        public void Report(RetrainProgress value) => report(value);
    }

    private static TabularTrainingResult TrainBase(string dir, TabularSpec spec) => TabularExport.TrainAndWrite(Cps, spec, dir);

    [Fact]
    public async Task A_cps_model_retrains_with_the_columns_and_settings_recorded_in_its_card()
    {
        var dir = Path.Combine(Path.GetTempPath(), "warden-retrain-" + Guid.NewGuid().ToString("N"));
        try
        {
            // Version 1: wage > 7.78 from CPS 1985, gender sensitive, 'union' and 'married' excluded, 'education' categorical.
            var spec = new TabularSpec
            {
                Label = "wage", Positive = ">7.78", Sensitive = ["gender"], Exclude = ["union", "married"], Categorical = ["education"], Name = "wages",
            };
            var first = TrainBase(dir, spec);
            var card = JsonSerializer.Deserialize<ModelCard>(await File.ReadAllTextAsync(first.CardPath, TestContext.Current.CancellationToken), JsonSerializerOptions.Web)!;
            var inputs = first.Inputs.Select(i => i.Name).ToList();
            var retrainer = new CreditRiskRetrainer();
            // The service refuses to queue it (a new version's reference profile needs numeric inputs), but the trainer itself runs.
            Assert.Contains("categorical input(s) education,", retrainer.Unsupported("wages", inputs, card));
            Assert.Contains("cannot be retrained", retrainer.Unsupported("wages", inputs, null));

            var log = new List<string>();
            var input = new RetrainInput("wages", "1", card, Cps, [], 42, null, 1, log.Add);
            var output = await retrainer.TrainAsync(input, new Inline(_ => { }), TestContext.Current.CancellationToken);

            // Same trainer, same settings, same data and seed: the same model as version 1.
            Assert.Equal(first.Metrics.Auc, output.Card.Metrics["auc"], 6);
            Assert.Equal(first.Metrics.Accuracy, output.Card.Metrics["accuracy"], 6);
            foreach (var key in new[] { "label", "positive", "features", "categorical", "sensitive", "sensitive_as_feature", "trainer", "holdout_fraction" })
            {
                Assert.Equal(card.Parameters[key], output.Card.Parameters[key]);
            }

            Assert.Equal("1", output.Card.Parameters["parent_version"]);
            Assert.Equal(["gender"], output.Card.SensitiveAttributes);
            using (var session = new InferenceSession(output.Onnx))
            {
                Assert.Equal(inputs, session.InputNames);
                Assert.DoesNotContain("union", session.InputNames);
                Assert.Equal(Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.String, session.InputMetadata["occupation"].ElementDataType);
            }

            Assert.Equal("wage", output.LabelColumn);
            Assert.StartsWith(string.Join(",", inputs) + ",wage", output.ReferenceCsv, StringComparison.Ordinal);
            Assert.Equal(output.Card.TrainingData!.HoldoutRows, output.Holdout.Labels.Length);
            Assert.Equal(output.Holdout.Labels.Length, output.Holdout.Sensitive["gender"].Length);
            Assert.Contains(log, l => l.StartsWith("generic trainer (logistic) with the settings recorded in version 1's card", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Numeric_feedback_rows_join_the_training_rows()
    {
        var dir = Path.Combine(Path.GetTempPath(), "warden-retrain-" + Guid.NewGuid().ToString("N"));
        try
        {
            var spec = new TabularSpec { Label = "wage", Positive = ">7.78", Sensitive = ["gender"], Features = ["education", "experience", "age"], Name = "wages" };
            var first = TrainBase(dir, spec);
            var card = JsonSerializer.Deserialize<ModelCard>(await File.ReadAllTextAsync(first.CardPath, TestContext.Current.CancellationToken), JsonSerializerOptions.Web)!;
            var feedback = Enumerable.Range(0, 10).Select(i => new FeedbackRow($"p{i}",
                new Dictionary<string, double> { ["education"] = 12 + (i % 4), ["experience"] = i, ["age"] = 20 + i }, i < 5,
                new Dictionary<string, string> { ["gender"] = i % 2 == 0 ? "female" : "male" }, "review")).ToList();
            var log = new List<string>();
            Assert.Null(new CreditRiskRetrainer().Unsupported("wages", ["education", "experience", "age"], card));

            var output = await new CreditRiskRetrainer().TrainAsync(new RetrainInput("wages", "1", card, Cps, feedback, 42, null, 1, log.Add),
                new Inline(_ => { }), TestContext.Current.CancellationToken);

            Assert.Equal(534 + 10, output.Card.TrainingData!.Rows + output.Card.TrainingData.HoldoutRows);
            Assert.Equal("10", output.Card.Parameters["feedback_rows"]);
            Assert.Contains("added 10 labelled feedback row(s) (0 skipped for missing inputs); 544 rows in all", log);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
