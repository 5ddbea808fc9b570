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

    // A base model on three numeric CPS columns and ten labelled feedback rows for it (five positive, alternating gender).
    private static async Task<(ModelCard Card, List<FeedbackRow> Feedback)> NumericWagesBaseAsync(string dir)
    {
        var spec = new TabularSpec { Label = "wage", Positive = ">7.78", Sensitive = ["gender"], Features = ["education", "experience", "age"], Name = "wages" };
        var first = TrainBase(dir, spec);
        var card = JsonSerializer.Deserialize<ModelCard>(await File.ReadAllTextAsync(first.CardPath, TestContext.Current.CancellationToken), JsonSerializerOptions.Web)!;
        var feedback = Enumerable.Range(0, 10).Select(i => new FeedbackRow($"p{i}",
            new Dictionary<string, double> { ["education"] = 12 + (i % 4), ["experience"] = i, ["age"] = 20 + i }, i < 5,
            new Dictionary<string, string> { ["gender"] = i % 2 == 0 ? "female" : "male" }, "review")).ToList();
        return (card, feedback);
    }

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
            // Categorical (STRING) inputs are no reason to refuse: reference profiles and the prediction log hold categories.
            Assert.Null(retrainer.Unsupported("wages", inputs, card));
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
            var (card, feedback) = await NumericWagesBaseAsync(dir);
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

    [Fact]
    public async Task A_categorical_model_retrains_with_feedback_rows_whose_categories_come_from_the_logged_text()
    {
        var dir = Path.Combine(Path.GetTempPath(), "warden-retrain-" + Guid.NewGuid().ToString("N"));
        try
        {
            var arrests = Warden.Tests.RepoFiles.Path("samples/data/arrests.csv");
            var spec = new TabularSpec { Label = "released", Positive = "Yes", Sensitive = ["colour"], Categorical = ["year"], Name = "arrests" };
            var first = TabularExport.TrainAndWrite(arrests, spec, dir);
            var card = JsonSerializer.Deserialize<ModelCard>(await File.ReadAllTextAsync(first.CardPath, TestContext.Current.CancellationToken), JsonSerializerOptions.Web)!;
            var inputs = first.Inputs.Select(i => i.Name).ToList();
            Assert.Null(new CreditRiskRetrainer().Unsupported("arrests", inputs, card));

            // As the job runner reads them from the log: numbers where a tensor held one, and every element 0 as text.
            var feedback = Enumerable.Range(0, 12).Select(i =>
            {
                var text = new Dictionary<string, string>
                {
                    ["year"] = (1997 + (i % 6)).ToString(System.Globalization.CultureInfo.InvariantCulture), ["age"] = (18 + i).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["sex"] = i % 3 == 0 ? "Female" : "Male", ["employed"] = "1", ["citizen"] = "1", ["checks"] = (i % 5).ToString(System.Globalization.CultureInfo.InvariantCulture),
                };
                var numbers = text.ToDictionary(kv => kv.Key, kv => double.TryParse(kv.Value, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : double.NaN);
                return new FeedbackRow($"p{i}", numbers, i % 2 == 0, new Dictionary<string, string> { ["colour"] = i % 2 == 0 ? "Black" : "White" }, "api") { Texts = text };
            }).ToList();

            // One row logged without its categories (e.g. before text was kept) cannot be used.
            feedback.Add(feedback[0] with { PredictionId = "untexted", Texts = new Dictionary<string, string>() });
            var log = new List<string>();
            var output = await new CreditRiskRetrainer().TrainAsync(new RetrainInput("arrests", "1", card, arrests, feedback, 42, null, 1, log.Add),
                new Inline(_ => { }), TestContext.Current.CancellationToken);

            Assert.Contains($"added 12 labelled feedback row(s) (1 skipped for missing inputs); {5226 + 12} rows in all", log);
            Assert.Equal("12", output.Card.Parameters["feedback_rows"]);
            using var session = new InferenceSession(output.Onnx);
            Assert.Equal(Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.String, session.InputMetadata["year"].ElementDataType);
            Assert.Equal(Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.String, session.InputMetadata["sex"].ElementDataType);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_feedback_weight_of_w_trains_as_if_each_feedback_row_were_there_w_times()
    {
        var spec = new TabularSpec { Label = "wage", Positive = ">7.78", Sensitive = ["gender"], Features = ["education", "experience", "age"], Name = "wages" };
        var table = TabularTable.Load(Cps, spec);
        var feedback = Enumerable.Range(0, 40).Select(i => ((IReadOnlyDictionary<string, string>)new Dictionary<string, string>
        {
            ["education"] = (8 + (i % 3)).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["experience"] = (30 + i).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["age"] = (50 + (i % 10)).ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, true, (IReadOnlyDictionary<string, string>)new Dictionary<string, string> { ["gender"] = "female" })).ToList();

        var weighted = table.Append(feedback, 3);
        var repeated = table.Append([.. feedback, .. feedback, .. feedback]);
        var plain = table.Append(feedback);
        Assert.Equal([.. Enumerable.Repeat(1f, table.RowCount), .. Enumerable.Repeat(3f, 40)], weighted.Weights!);
        Assert.Null(plain.Weights);

        double[] Scores(TabularTable train) => TabularTrainer.Train(train, table, spec, "file rows").Predict(table).Probabilities;
        var byWeight = Scores(weighted);
        var byCopies = Scores(repeated);
        var unweighted = Scores(plain);

        // The weighted loss is the loss with w copies of each feedback row (up to ML.NET's L-BFGS stopping tolerance); the
        // unweighted model is much further from it.
        var toCopies = byWeight.Zip(byCopies).Max(p => Math.Abs(p.First - p.Second));
        var unweightedToCopies = unweighted.Zip(byCopies).Max(p => Math.Abs(p.First - p.Second));
        Assert.True(toCopies < 0.01 && unweightedToCopies > 5 * toCopies, $"weighted vs copies {toCopies}, unweighted vs copies {unweightedToCopies}");
    }

    [Fact]
    public async Task The_generic_path_records_the_feedback_weight_and_logs_the_effective_weights()
    {
        var dir = Path.Combine(Path.GetTempPath(), "warden-retrain-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (card, feedback) = await NumericWagesBaseAsync(dir);
            var log = new List<string>();

            var output = await new CreditRiskRetrainer().TrainAsync(new RetrainInput("wages", "1", card, Cps, feedback, 42, null, 4, log.Add),
                new Inline(_ => { }), TestContext.Current.CancellationToken);

            Assert.Equal("4", output.Card.Parameters["feedback_weight"]);
            Assert.Equal("1", output.Card.Parameters["file_row_weight"]);
            var weights = System.Text.RegularExpressions.Regex.Match(
                Assert.Single(log, l => l.StartsWith("example weights:", StringComparison.Ordinal)),
                @"^example weights: file rows 1, feedback rows 4; training weight (\d+) file \+ (\d+) feedback \((\d+) rows\)$");
            Assert.True(weights.Success);
            var (file, feedbackWeight, rows) = (int.Parse(weights.Groups[1].Value), int.Parse(weights.Groups[2].Value), int.Parse(weights.Groups[3].Value));
            Assert.Equal(4 * rows, feedbackWeight);
            Assert.Equal(output.Card.TrainingData!.Rows, file + rows);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
