using System.CommandLine;
using Spectre.Console;
using Warden.Core.Fairness;
using Warden.Training.Mitigation;

namespace Warden.Cli.Commands;

/// <summary>
/// <c>warden mitigate</c>: trains a classifier on any CSV with a bias mitigation, prints the before/after table and writes a
/// deployable model directory with mitigation.json and mitigation.md.
/// </summary>
internal static class MitigateCommand
{
    private static readonly string[] Methods = Enum.GetValues<MitigationMethod>().Select(MitigationTrainer.Name).ToArray();

    public static Command Create()
    {
        var data = new Option<FileInfo>("--data") { Description = "CSV to train on (e.g. samples/data/hmda.csv).", Required = true };
        var output = new Option<DirectoryInfo>("--out")
        {
            Description = "Directory for model.onnx, card.json, background.csv, reference.csv, mitigation.json/.md (and group-thresholds.json).",
            Required = true,
        };
        var seed = new Option<int>("--seed") { Description = "Seed for the split, the learners and any sampling.", DefaultValueFactory = _ => 42 };
        var mitigation = new Option<string>("--mitigation")
        {
            Description = "none | reweighing | resampling | exponentiated-gradient | adversarial | threshold.",
            DefaultValueFactory = _ => "none",
        };
        mitigation.AcceptOnlyFromAmong(Methods);
        var constraint = new Option<string>("--constraint")
        {
            Description = "demographic-parity | equalized-odds (for exponentiated-gradient, adversarial and threshold).",
            DefaultValueFactory = _ => "demographic-parity",
        };
        constraint.AcceptOnlyFromAmong("demographic-parity", "equalized-odds");
        var folds = new Option<int>("--cross-validate")
        {
            Description = "Also report out-of-fold metrics of a stratified k-fold cross-validation over all rows (0 = off).",
            DefaultValueFactory = _ => 0,
        };
        var privileged = new Option<string?>("--privileged")
        {
            Description = "s=v: the privileged value of the sensitive column (adversarial debiasing predicts 'not v'; needed when s has more than two values).",
        };
        var maxIterations = new Option<int>("--max-iterations")
        {
            Description = "Exponentiated gradient: iteration limit (it stops earlier once the duality gap is below ν, as Fairlearn).",
            DefaultValueFactory = _ => new ExponentiatedGradientOptions().MaxIterations,
        };
        var serve = new Option<string>("--serve")
        {
            Description = "Exponentiated gradient: mixture (the randomised classifier, as Fairlearn's predict) | best (the single most accurate classifier meeting the constraint).",
            DefaultValueFactory = _ => "mixture",
        };
        serve.AcceptOnlyFromAmong("mixture", "best");
        var adversaryWeight = new Option<string>("--adversary-weight")
        {
            Description = "Adversarial debiasing: weight α of the adversary's gradient in the predictor's step (AIF360's adversary_loss_weight, default 0.1), "
                + "or 'auto': the smallest of 0.1, 0.3, 1, 3, 10, 30 whose inner 3-fold out-of-fold disparity and in-sample disparity on the training rows are <= --adversary-target.",
            DefaultValueFactory = _ => new AdversarialOptions().Alpha.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var adversaryTarget = new Option<double>("--adversary-target")
        {
            Description = "Adversarial debiasing with --adversary-weight auto: the disparity (DP or EO difference, per --constraint) to reach.",
            DefaultValueFactory = _ => 0.02,
        };
        var adversaryAverage = new Option<double>("--adversary-average")
        {
            Description = "Adversarial debiasing: share (0-1) of the joint phase's last epochs whose predictor weights are averaged (Polyak); 0 = the last iterate, as AIF360.",
            DefaultValueFactory = _ => 0,
        };
        var adversaryDecay = new Option<double>("--adversary-decay")
        {
            Description = "Adversarial debiasing: decay the joint phase's rate as lr/(1 + t/STEPS) (the paper's 1/t schedule) instead of AIF360's 0.96 every 1,000 steps; 0 = AIF360's.",
            DefaultValueFactory = _ => 0,
        };
        var hiddenUnits = new Option<int>("--hidden-units")
        {
            Description = "Adversarial debiasing: hidden ReLU units of the predictor (AIF360's classifier has one hidden layer of 200); 0 = one logistic unit.",
            DefaultValueFactory = _ => new AdversarialOptions().HiddenUnits,
        };
        var adversaryRate = new Option<double>("--adversary-rate")
        {
            Description = "Adversarial debiasing: Adam's starting learning rate for predictor and adversary (AIF360: 0.001).",
            DefaultValueFactory = _ => new AdversarialOptions().LearningRate,
        };
        var weightDecay = new Option<double>("--weight-decay")
        {
            Description = "Adversarial debiasing: L2 weight decay λ on the predictor's weights (adds (λ/2)·|w|² to its loss; biases not penalised); 0 = none, as AIF360.",
            DefaultValueFactory = _ => new AdversarialOptions().L2,
        };
        var earlyStopping = new Option<int>("--early-stopping")
        {
            Description = "Adversarial debiasing: hold out 1 of K folds of the training rows and return the joint-phase epoch with the best held-out accuracy "
                + "whose held-out disparity is <= --adversary-target (else the least disparate); 0 = off (the last iterate).",
            DefaultValueFactory = _ => new AdversarialOptions().EarlyStoppingFolds,
        };
        var select = new Option<string>("--adversary-select")
        {
            Description = "Adversarial debiasing: last (the joint phase's last iterate, as AIF360) | epoch (the joint-phase epoch most accurate on the training rows "
                + "among those whose disparity there is <= --adversary-target) | epoch-threshold (the same, each epoch also with the one decision threshold, for every row, "
                + "most accurate at that disparity). With --adversary-weight auto the weight whose selected predictor is the most accurate is kept.",
            DefaultValueFactory = _ => "last",
        };
        select.AcceptOnlyFromAmong("last", "epoch", "epoch-threshold");
        var adversaryHidden = new Option<int>("--adversary-hidden-units")
        {
            Description = "Adversarial debiasing: hidden ReLU units of the adversary (one layer on the soft score [and the label, for equalized odds]); 0 = AIF360's logistic adversary.",
            DefaultValueFactory = _ => new AdversarialOptions().AdversaryHiddenUnits,
        };
        var card = new Option<FileInfo?>("--card") { Description = "A card.json template (owner, uses, references, feature meanings)." };
        var tabular = new TabularOptions();

        var command = new Command("mitigate", "Train a classifier on any CSV with a bias mitigation and compare it with the unmitigated model.")
        {
            data, output, seed, mitigation, constraint, folds, privileged, maxIterations, serve, adversaryWeight, adversaryTarget, adversaryAverage, adversaryDecay, hiddenUnits, adversaryRate, weightDecay, earlyStopping, select, adversaryHidden, card,
        };
        foreach (var option in tabular.All)
        {
            command.Options.Add(option);
        }

        command.SetAction(parseResult => Run(parseResult, tabular, parseResult.GetValue(data)!, parseResult.GetValue(output)!, parseResult.GetValue(seed),
            parseResult.GetValue(mitigation)!, parseResult.GetValue(constraint)!, parseResult.GetValue(folds), parseResult.GetValue(privileged),
            parseResult.GetValue(maxIterations), parseResult.GetValue(serve) == "best", parseResult.GetValue(adversaryWeight)!, parseResult.GetValue(adversaryTarget), parseResult.GetValue(adversaryAverage),
            parseResult.GetValue(adversaryDecay), parseResult.GetValue(hiddenUnits), parseResult.GetValue(adversaryRate),
            new Regularisation(parseResult.GetValue(weightDecay), parseResult.GetValue(earlyStopping)), Selection(parseResult.GetValue(select)!), parseResult.GetValue(adversaryHidden), parseResult.GetValue(card)));
        return command;
    }

    private static int Run(ParseResult parse, TabularOptions tabular, FileInfo data, DirectoryInfo output, int seed, string mitigation, string constraint,
        int folds, string? privileged, int maxIterations, bool best, string adversaryWeight, double adversaryTarget, double adversaryAverage, double adversaryDecay, int hiddenUnits, double adversaryRate, Regularisation regularisation, AdversarialSelection selection, int adversaryHidden, FileInfo? card)
    {
        var method = Enum.GetValues<MitigationMethod>().Single(m => MitigationTrainer.Name(m) == mitigation);
        var target = constraint == "equalized-odds" ? FairnessConstraint.EqualizedOdds : FairnessConstraint.DemographicParity;
        MitigationResult result;
        try
        {
            if (folds is 1 or < 0)
            {
                throw new InvalidDataException("--cross-validate needs 0 (off) or at least 2 folds.");
            }

            if (maxIterations < 1)
            {
                throw new InvalidDataException("--max-iterations must be at least 1.");
            }

            var auto = adversaryWeight == "auto";
            var alpha = new AdversarialOptions().Alpha;
            if (!auto && (!double.TryParse(adversaryWeight, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out alpha)
                || !(alpha >= 0) || double.IsInfinity(alpha)))
            {
                throw new InvalidDataException($"--adversary-weight must be a finite number >= 0 or 'auto'; got '{adversaryWeight}'.");
            }

            if (!(adversaryAverage is >= 0 and <= 1))
            {
                throw new InvalidDataException("--adversary-average must be between 0 and 1.");
            }

            if (!(adversaryDecay >= 0) || double.IsInfinity(adversaryDecay))
            {
                throw new InvalidDataException("--adversary-decay must be a finite number of steps >= 0 (0 = AIF360's staircase).");
            }

            if (hiddenUnits is < 0 or > 4096)
            {
                throw new InvalidDataException($"--hidden-units must be between 0 (a logistic predictor) and 4096; got {hiddenUnits}.");
            }

            if (adversaryHidden is < 0 or > 4096)
            {
                throw new InvalidDataException($"--adversary-hidden-units must be between 0 (a logistic adversary) and 4096; got {adversaryHidden}.");
            }

            if (!(adversaryRate > 0) || double.IsInfinity(adversaryRate))
            {
                throw new InvalidDataException("--adversary-rate must be a finite number > 0.");
            }

            if (!(adversaryTarget >= 0) || double.IsInfinity(adversaryTarget))
            {
                throw new InvalidDataException("--adversary-target must be a finite number >= 0.");
            }

            if (!(regularisation.WeightDecay >= 0) || double.IsInfinity(regularisation.WeightDecay))
            {
                throw new InvalidDataException("--weight-decay must be a finite number >= 0.");
            }

            if (regularisation.EarlyStoppingFolds is 1 or < 0 or > 100)
            {
                throw new InvalidDataException($"--early-stopping needs 0 (off) or 2-100 folds; got {regularisation.EarlyStoppingFolds}.");
            }

            if (regularisation.EarlyStoppingFolds > 0 && adversaryAverage > 0)
            {
                throw new InvalidDataException("--early-stopping returns one epoch's predictor; it cannot be combined with --adversary-average.");
            }

            if (selection != AdversarialSelection.Last && (adversaryAverage > 0 || regularisation.EarlyStoppingFolds > 0))
            {
                throw new InvalidDataException("--adversary-select returns one epoch's predictor; it cannot be combined with --adversary-average or --early-stopping.");
            }

            var spec = tabular.Spec(parse, seed, output);
            foreach (var file in new[] { data, parse.GetValue(tabular.Test), card })
            {
                if (file is { Exists: false })
                {
                    throw new InvalidDataException($"file not found: {file.FullName}");
                }
            }

            string? privilegedValue = null;
            if (privileged is not null)
            {
                var eq = privileged.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0 || privileged[..eq] != spec.Sensitive.FirstOrDefault())
                {
                    throw new InvalidDataException($"--privileged must be {spec.Sensitive.FirstOrDefault() ?? "<sensitive column>"}=VALUE for the first sensitive column; got '{privileged}'.");
                }

                privilegedValue = privileged[(eq + 1)..];
            }

            var template = card is null ? null
                : System.Text.Json.JsonSerializer.Deserialize<Warden.Contracts.Registry.ModelCard>(File.ReadAllText(card.FullName), System.Text.Json.JsonSerializerOptions.Web);
            result = MitigationTrainer.TrainAndExport(data.FullName, output.FullName, spec, method, target,
                new ExponentiatedGradientOptions { MaxIterations = maxIterations, Serve = best ? ReductionServing.Best : ReductionServing.Mixture },
                new AdversarialOptions { Alpha = alpha, Target = auto ? adversaryTarget : null, AverageTail = adversaryAverage,
                    DecaySteps = adversaryDecay > 0 ? adversaryDecay : null, HiddenUnits = hiddenUnits, LearningRate = adversaryRate, Seed = seed,
                    L2 = regularisation.WeightDecay, EarlyStoppingFolds = regularisation.EarlyStoppingFolds, StoppingTarget = adversaryTarget,
                    Selection = selection, AdversaryHiddenUnits = adversaryHidden }, crossValidationFolds: folds, privileged: privilegedValue,
                testPath: parse.GetValue(tabular.Test)?.FullName, template: template);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            Console.Error.WriteLine($"warden mitigate: {ex.Message.ReplaceLineEndings(" ")}");
            return 1;
        }

        // Markdown is printed as plain text: its [ ] and | would otherwise be read as Spectre markup.
        AnsiConsole.Write(new Text(MitigationMarkdown.Render(result.Report)));
        var written = new[] { result.ModelPath, result.CardPath, result.BackgroundPath, result.ReportPath, result.MarkdownPath, result.ThresholdsPath }
            .Where(p => p is not null);
        AnsiConsole.Write(new Text("wrote " + string.Join(", ", written) + "\n"));
        return 0;
    }

    private static AdversarialSelection Selection(string value) => value switch
    {
        "epoch" => AdversarialSelection.Epoch,
        "epoch-threshold" => AdversarialSelection.EpochAndThreshold,
        _ => AdversarialSelection.Last,
    };

    /// <summary>The predictor's regularisation flags: --weight-decay and --early-stopping.</summary>
    private readonly record struct Regularisation(double WeightDecay, int EarlyStoppingFolds);
}
