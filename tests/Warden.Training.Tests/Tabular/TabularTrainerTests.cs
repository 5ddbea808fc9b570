using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Warden.Contracts.Registry;
using Warden.Training.Tabular;

namespace Warden.Training.Tests.Tabular;

public class TabularTrainerTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "warden-tabular-" + Guid.NewGuid().ToString("N"));

    public TabularTrainerTests() => Directory.CreateDirectory(dir);

    public void Dispose()
    {
        Directory.Delete(dir, recursive: true);
        GC.SuppressFinalize(this);
    }

    private static string Data(string file) => Warden.Tests.RepoFiles.Path("samples/data/" + file);

    [Fact]
    public void Hmda_through_the_generic_path_matches_the_demo_trainer_score_for_score()
    {
        var spec = new TabularSpec { Label = "deny", Positive = "yes", Sensitive = ["afam"], Name = "credit-risk" };
        var model = TabularTrainer.Train(Data("hmda.csv"), spec);
        var demo = CreditRiskTrainer.Train(HmdaDataset.Load(Data("hmda.csv")), 42);

        Assert.Equal(HmdaDataset.FeatureNames, model.Train.FeatureNames);
        Assert.All(model.Encoder.Columns, c => Assert.NotEqual(TabularColumnKind.Categorical, c.Kind));
        var expected = demo.Predict(demo.Holdout).Select(p => (double)p.Probability).ToArray();
        var (_, actual) = model.Predict(model.Test);
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 1e-6);
        }

        Assert.Equal(demo.Evaluate().Auc, model.Evaluate().Auc, 1e-9);
    }

    [Fact]
    public void Arrests_categorical_columns_are_string_inputs_and_onnx_scores_like_mlnet()
    {
        var spec = new TabularSpec { Label = "released", Positive = "Yes", Sensitive = ["colour"], Categorical = ["year"] };
        var result = TabularExport.Write(TabularTrainer.Train(Data("arrests.csv"), spec), Data("arrests.csv"), dir);
        var model = TabularTrainer.Train(Data("arrests.csv"), spec);

        Assert.Equal(["year", "age", "sex", "employed", "citizen", "checks"], result.Inputs.Select(i => i.Name));
        using (var session = new InferenceSession(result.ModelPath))
        {
            Assert.Equal(TensorElementType.String, session.InputMetadata["year"].ElementDataType);
            Assert.Equal(TensorElementType.String, session.InputMetadata["sex"].ElementDataType);
            Assert.Equal(TensorElementType.Float, session.InputMetadata["employed"].ElementDataType);
            Assert.Equal(TensorElementType.Float, session.InputMetadata["age"].ElementDataType);
        }

        var (labels, onnx) = TabularOnnxScorer.Score(File.ReadAllBytes(result.ModelPath), model.Test);
        var (mlLabels, ml) = model.Predict(model.Test);
        Assert.Equal(mlLabels, labels);
        for (var i = 0; i < ml.Length; i++)
        {
            Assert.Equal(ml[i], onnx[i], 1e-5);
        }

        var card = JsonSerializer.Deserialize<ModelCard>(File.ReadAllText(result.CardPath), JsonSerializerOptions.Web)!;
        Assert.Equal(["colour"], card.SensitiveAttributes);
        Assert.DoesNotContain("colour", card.Features.Select(f => f.Name));
        Assert.Contains(card.DataProfile!.Groups, g => g.Attribute == "colour" && g.Value == "Black");
        Assert.Contains("colour=Black.selection_rate", card.Metrics.Keys);
        Assert.Contains("colour.demographic_parity_difference", card.Metrics.Keys);
        Assert.Contains("sex: categorical, STRING input one-hot over 2", card.TrainingData!.Preparation, StringComparison.Ordinal);
        Assert.Equal(101, File.ReadAllLines(result.BackgroundPath).Length);
        Assert.Equal(model.Train.RowCount + 1, File.ReadAllLines(result.ReferencePath).Length);
    }

    [Theory]
    [InlineData(TabularTrainerKind.FastTree)]
    [InlineData(TabularTrainerKind.LightGbm)]
    public void Tree_learners_on_a_binarised_numeric_label_export_onnx_that_scores_like_mlnet(TabularTrainerKind trainer)
    {
        var spec = new TabularSpec { Label = "wage", Positive = ">7.78", Sensitive = ["gender"], Trainer = trainer };
        var model = TabularTrainer.Train(Data("cps1985.csv"), spec);
        var onnx = model.ExportOnnx().ToBytes();

        var (labels, p) = TabularOnnxScorer.Score(onnx, model.Test);
        var (mlLabels, ml) = model.Predict(model.Test);
        Assert.Equal(mlLabels, labels);
        for (var i = 0; i < ml.Length; i++)
        {
            Assert.Equal(ml[i], p[i], 1e-4);
        }

        Assert.InRange(model.Evaluate().Auc, 0.7, 1);
    }

    [Fact]
    public void Missing_numeric_values_are_replaced_by_the_training_mean_in_mlnet_and_in_onnx()
    {
        var path = Path.Combine(dir, "missing.csv");
        var lines = new List<string> { "y,x,z,colour" };
        for (var i = 0; i < 80; i++)
        {
            var x = i % 7 == 0 ? "NA" : (i % 10).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var z = i % 5 == 0 ? "" : (i % 3).ToString(System.Globalization.CultureInfo.InvariantCulture);
            lines.Add($"{(i % 10 > 4 ? "1" : "0")},{x},{z},{(i % 2 == 0 ? "red" : "blue")}");
        }

        File.WriteAllLines(path, lines);
        var model = TabularTrainer.Train(path, new TabularSpec { Label = "y", Positive = "1", Sensitive = ["colour"] });

        Assert.InRange(model.Encoder.Columns[0].Missing, 1, 12);
        var (_, onnx) = TabularOnnxScorer.Score(model.ExportOnnx().ToBytes(), model.Test);
        var (_, ml) = model.Predict(model.Test);
        Assert.Contains(model.Test.Values["x"], TabularTable.IsMissing);
        for (var i = 0; i < ml.Length; i++)
        {
            Assert.Equal(ml[i], onnx[i], 1e-5);
        }
    }

    [Theory]
    [InlineData("y,a,s\n1,2,p\n0,3,q\n", "nope", "1", "s", "unknown label column 'nope'")]
    [InlineData("y,a,s\n1,2,p\n0,3,q\n2,3,q\n", "y", "1", "s", "label 'y' has 3 values")]
    [InlineData("y,a,s\n1,2,p\n0,3,p\n", "y", "1", "s", "sensitive column 's' has 1 distinct value")]
    [InlineData("", "y", "1", "s", "CSV is empty")]
    [InlineData("y,a,s\n", "y", "1", "s", "no data rows")]
    [InlineData("y,a,s\n1,2,p\n0,3\n", "y", "1", "s", "record 3 has 2 fields")]
    [InlineData("y,a,s\n1,2,p\n0,3,q\n", "y", "yes", "s", "positive value 'yes' does not occur")]
    public void Bad_input_is_one_line_naming_the_problem(string csv, string label, string positive, string sensitive, string expected)
    {
        var path = Path.Combine(dir, "bad.csv");
        File.WriteAllText(path, csv);

        var ex = Assert.Throws<InvalidDataException>(() =>
            TabularTrainer.Train(path, new TabularSpec { Label = label, Positive = positive, Sensitive = [sensitive] }));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Sensitive_columns_are_inputs_only_when_asked()
    {
        var spec = new TabularSpec { Label = "released", Positive = "Yes", Sensitive = ["colour"], SensitiveAsFeature = true };
        var model = TabularTrainer.Train(Data("arrests.csv"), spec);

        Assert.Contains("colour", model.Train.FeatureNames);
        var refused = Assert.Throws<InvalidDataException>(() => TabularTrainer.Train(Data("arrests.csv"),
            new TabularSpec { Label = "released", Positive = "Yes", Sensitive = ["colour"], Features = ["age", "colour"] }));
        Assert.Contains("--sensitive-as-feature", refused.Message, StringComparison.Ordinal);
    }
}
