using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace Warden.Training.Tabular;

/// <summary>
/// Trains a binary classifier on any CSV with ML.NET: numeric and yes/no columns as FLOAT inputs (missing values replaced
/// by the training mean when the training rows have any), other columns one-hot encoded from STRING inputs, then the chosen
/// learner. The split is stratified by the label (<see cref="StratifiedSplit"/>) unless a test file is given.
/// </summary>
public static class TabularTrainer
{
    /// <summary>Name of the label column inside the pipeline (never an ONNX input).</summary>
    internal const string LabelColumn = "warden.label";

    /// <summary>The per-row example weight column of a weighted training view.</summary>
    internal const string WeightColumn = "warden.weight";

    private const string FeaturesColumn = "warden.features";

    /// <summary>Loads <paramref name="dataPath"/> (and <paramref name="testPath"/>) and trains per <paramref name="spec"/>.</summary>
    public static TabularModel Train(string dataPath, TabularSpec spec, string? testPath = null)
    {
        var all = TabularTable.Load(dataPath, spec);
        TabularTable train, test;
        string testSource;
        if (testPath is not null)
        {
            train = all;
            test = TabularTable.LoadLike(testPath, spec, all);
            testSource = "test file " + Path.GetFileName(testPath);
        }
        else
        {
            if (spec.Holdout is <= 0 or >= 1)
            {
                throw new InvalidDataException($"--holdout must lie strictly between 0 and 1; got {spec.Holdout}.");
            }

            var (trainRows, testRows) = StratifiedSplit.Split(Enumerable.Range(0, all.RowCount).ToArray(), i => all.Labels[i], spec.Holdout, spec.Seed);
            train = all.Rows(trainRows);
            test = all.Rows(testRows);
            testSource = FormattableString.Invariant($"stratified hold-out of {spec.Holdout:0.###} of each class (seed {spec.Seed})");
        }

        return Train(train, test, spec, testSource);
    }

    /// <summary>Trains on <paramref name="train"/>; <paramref name="test"/> is kept for evaluation.</summary>
    public static TabularModel Train(TabularTable train, TabularTable test, TabularSpec spec, string testSource)
    {
        if (train.Labels.Distinct().Count() < 2)
        {
            throw new InvalidDataException($"the training rows hold one class of '{spec.Label}' only.");
        }

        var encoder = TabularEncoder.Fit(train);
        var context = new MLContext(spec.Seed);
        var transformer = Pipeline(context, encoder, spec, weighted: train.Weights is not null).Fit(new TabularDataView(train, LabelColumn));
        return new TabularModel(context, transformer, spec, train, test, encoder, testSource);
    }

    /// <summary>The estimator chain for <paramref name="encoder"/>'s columns.</summary>
    /// <param name="context">ML.NET context.</param>
    /// <param name="encoder">The fitted column encoder.</param>
    /// <param name="spec">Training settings (the trainer).</param>
    /// <param name="weighted">Whether the trainer reads per-row example weights from <see cref="WeightColumn"/> (the normaliser does not).</param>
    internal static IEstimator<ITransformer> Pipeline(MLContext context, TabularEncoder encoder, TabularSpec spec, bool weighted = false)
    {
        var weight = weighted ? WeightColumn : null;
        IEstimator<ITransformer> chain = new EstimatorChain<ITransformer>();
        var parts = new List<string>();
        foreach (var column in encoder.Columns)
        {
            if (column.Kind == TabularColumnKind.Categorical)
            {
                var encoded = "warden.onehot." + column.Name;
                chain = chain.Append(context.Transforms.Categorical.OneHotEncoding(encoded, column.Name));
                parts.Add(encoded);
            }
            else if (column.Missing > 0)
            {
                var imputed = "warden.imputed." + column.Name;
                chain = chain.Append(context.Transforms.ReplaceMissingValues(imputed, column.Name));
                parts.Add(imputed);
            }
            else
            {
                parts.Add(column.Name);
            }
        }

        chain = chain.Append(context.Transforms.Concatenate(FeaturesColumn, [.. parts]));
        return spec.Trainer switch
        {
            TabularTrainerKind.Logistic => chain
                .Append(context.Transforms.NormalizeMinMax(FeaturesColumn))
                .Append(context.BinaryClassification.Trainers.LbfgsLogisticRegression(LogisticOptions(weight))),
            TabularTrainerKind.FastTree => chain.Append(context.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
            {
                LabelColumnName = LabelColumn,
                FeatureColumnName = FeaturesColumn,
                ExampleWeightColumnName = weight,
                NumberOfThreads = 1,
                Seed = spec.Seed,
            })),
            TabularTrainerKind.LightGbm => chain.Append(context.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
            {
                LabelColumnName = LabelColumn,
                FeatureColumnName = FeaturesColumn,
                ExampleWeightColumnName = weight,
                NumberOfThreads = 1,
                Seed = spec.Seed,
                Verbose = false,
                Silent = true,
            })),
            _ => throw new ArgumentOutOfRangeException(nameof(spec)),
        };
    }

    /// <summary>The demo model's L-BFGS settings (<see cref="CreditRiskTrainer.TrainerOptions"/>) on the pipeline's columns.</summary>
    internal static LbfgsLogisticRegressionBinaryTrainer.Options LogisticOptions(string? weightColumn = null)
    {
        var options = CreditRiskTrainer.TrainerOptions();
        options.LabelColumnName = LabelColumn;
        options.FeatureColumnName = FeaturesColumn;
        options.ExampleWeightColumnName = weightColumn;
        return options;
    }
}
