using Microsoft.Extensions.Options;
using Warden.Contracts.Registry;
using Warden.Core.Audit;
using Warden.Core.Drift;
using Warden.Core.Registry;
using Warden.Core.Storage;
using Warden.Core.Tensors;

namespace Warden.Core.Monitoring;

/// <summary>
/// Reference data of each model version for drift monitoring. A reference is built from a CSV of inputs (uploaded, or the
/// <c>background.csv</c> shipped beside the version's <c>model.onnx</c> in a model repository): the version itself scores
/// every row so the profile covers the score output too, and an optional label column keeps labelled reference scores
/// for CBPE.
/// </summary>
public sealed class ReferenceProfiles
{
    private const int RunChunk = 1024;
    private readonly IReferenceProfileStore _store;
    private readonly ModelRegistry _registry;
    private readonly AuditLog _audit;
    private readonly TimeProvider _time;
    private readonly MonitoringOptions _options;
    private readonly Explanations.BackgroundStore? _backgrounds;

    public ReferenceProfiles(IReferenceProfileStore store, ModelRegistry registry, AuditLog audit, TimeProvider time, IOptions<MonitoringOptions> options, Explanations.BackgroundStore? backgrounds = null)
    {
        _backgrounds = backgrounds;
        _store = store;
        _registry = registry;
        _audit = audit;
        _time = time;
        _options = options.Value;
    }

    /// <summary>Builds, stores and audits the reference of a version from CSV text.</summary>
    /// <param name="model">Model name.</param>
    /// <param name="version">Version (must be loaded: staging or production).</param>
    /// <param name="csv">CSV with a header row holding every model input; yes/no cells read as 1/0.</param>
    /// <param name="labelColumn">Optional ground-truth column.</param>
    /// <param name="positive">Positive label value (1/true/yes when null).</param>
    /// <param name="source">Description of the data.</param>
    /// <param name="actor">Who set it.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    public async Task<ReferenceSnapshot> BuildAsync(
        string model, string version, TextReader csv, string? labelColumn, string? positive, string source, string actor, CancellationToken cancellationToken = default)
    {
        using var lease = _registry.Acquire(model, version);
        var card = ModelRegistry.ReadCard(lease.Record);
        var signature = lease.Model.Signature;

        // STRING (BYTES) inputs are categories: read as text even when every cell looks like a number ("02" stays "02").
        var textInputs = signature.Inputs.Where(i => i.Datatype == TensorDatatype.Bytes).Select(i => i.Name).ToArray();
        ColumnSet data;
        try
        {
            data = ColumnSet.FromCsv(csv, textInputs);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidDataException)
        {
            throw WardenException.BadRequest("the reference CSV is invalid: " + ex.Message);
        }

        if (data.RowCount == 0)
        {
            throw WardenException.BadRequest("the reference CSV has no rows");
        }

        var profileData = new ColumnSet();
        var inputs = new List<(TensorSpec Spec, Array Values)>();
        foreach (var spec in signature.Inputs)
        {
            var column = data.Find(spec.Name) ?? throw WardenException.BadRequest(
                $"the reference CSV lacks input '{spec.Name}'; it needs a column for each of: {string.Join(", ", signature.Inputs.Select(i => i.Name))}");
            if (spec.Datatype == TensorDatatype.Bytes)
            {
                // A categorical input: profiled as categories (counts per category), scored as a STRING tensor.
                var categories = column.Labels!;
                profileData.Add(spec.Name, categories);
                inputs.Add((spec, categories));
                continue;
            }

            var values = column.Numbers ?? column.Labels!.Select(LabelValues.ToNumber).ToArray();

            // Compare at the precision the model receives: traffic is logged from FP32 tensors (3.2 arrives as
            // 3.2000000477), so a reference kept in double would differ from every unshifted value and KS would alarm.
            values = spec.Datatype switch
            {
                TensorDatatype.Fp32 => values.Select(v => (double)(float)v).ToArray(),
                TensorDatatype.Fp16 => values.Select(v => (double)(Half)v).ToArray(),
                _ => values,
            };
            profileData.Add(spec.Name, values);
            inputs.Add((spec, values));
        }

        var scoreOutput = card.ScoreOutput;
        double[]? scores = null;
        if (scoreOutput is not null && signature.FindOutput(scoreOutput) is not null)
        {
            scores = Score(lease.Model, inputs, data.RowCount, scoreOutput);
            profileData.Add(scoreOutput, scores);
        }

        bool[]? labels = null;
        if (labelColumn is not null)
        {
            var column = data.Find(labelColumn) ?? throw WardenException.BadRequest($"the reference CSV has no label column '{labelColumn}'");
            if (scores is null)
            {
                throw WardenException.BadRequest($"labelled references need a score: the card of '{model}' version {version} names no scoreOutput");
            }

            labels = Enumerable.Range(0, data.RowCount)
                .Select(i => LabelValues.IsPositive(column.Labels?[i] ?? column.Numbers![i].ToString(System.Globalization.CultureInfo.InvariantCulture), positive))
                .ToArray();
        }

        var snapshot = new ReferenceSnapshot(model, version, ReferenceProfile.Build(profileData), scores is not null && labels is not null ? scores : null, labels, source, actor, _time.GetUtcNow());
        await _store.PutAsync(snapshot, cancellationToken).ConfigureAwait(false);
        await _audit.AppendAsync(actor, "reference.update", $"{model}:{version}", new { source, rows = data.RowCount, labelled = labels is not null }, cancellationToken).ConfigureAwait(false);
        return snapshot;
    }

    /// <summary>
    /// The stored reference of a version; when none is stored, one built from its <c>background.csv</c> in a model
    /// repository (only when that folder's <c>model.onnx</c> has the same SHA-256), else from the background sample deployed
    /// with the version (<c>warden models deploy --background</c>); null when none exists.
    /// </summary>
    public async Task<ReferenceSnapshot?> GetAsync(string model, string version, CancellationToken cancellationToken = default)
    {
        var stored = await _store.GetAsync(model, version, cancellationToken).ConfigureAwait(false);
        if (stored is not null)
        {
            return stored;
        }

        var record = _registry.Models.TryGetValue(model, out var registered) ? registered.FindVersion(version) : null;
        if (record is null)
        {
            return null;
        }

        foreach (var root in _options.RepositoryPaths)
        {
            var dir = Path.Combine(root, model, version);
            var background = Path.Combine(dir, "background.csv");
            var onnx = Path.Combine(dir, "model.onnx");
            if (File.Exists(background) && File.Exists(onnx)
                && ModelBlobStore.Sha256(await File.ReadAllBytesAsync(onnx, cancellationToken).ConfigureAwait(false)) == record.Sha256)
            {
                using var reader = new StreamReader(background);
                return await BuildAsync(model, version, reader, null, null, $"background.csv of {model}/{version}", "system", cancellationToken).ConfigureAwait(false);
            }
        }

        if (_backgrounds is not null && await _backgrounds.ReadTextAsync(model, version, cancellationToken).ConfigureAwait(false) is { } deployed)
        {
            using var reader = new StringReader(deployed);
            return await BuildAsync(model, version, reader, null, null, $"background sample deployed with {model}/{version}", "system", cancellationToken).ConfigureAwait(false);
        }

        return null;
    }

    private static double[] Score(Inference.LoadedModel model, List<(TensorSpec Spec, Array Values)> inputs, int rows, string scoreOutput)
    {
        var scores = new double[rows];
        for (var start = 0; start < rows; start += RunChunk)
        {
            var count = Math.Min(RunChunk, rows - start);
            var tensors = inputs.Select(i => Tensor(i.Spec, i.Values, start, count)).ToArray();
            var output = model.Run(tensors, [scoreOutput])[0];
            if (output.Data.Length != count)
            {
                throw WardenException.BadRequest($"output '{scoreOutput}' has {output.Data.Length} values for {count} rows; only one score per row can be profiled");
            }

            for (var i = 0; i < count; i++)
            {
                scores[start + i] = output.GetDouble(i);
            }
        }

        return scores;
    }

    private static NamedTensor Tensor(TensorSpec spec, Array column, int start, int count)
    {
        if (column is string?[] labels)
        {
            // A missing category is fed as the empty string, the value ML.NET's categorical transforms map to no category.
            return new NamedTensor(spec.Name, spec.Datatype, Shape(spec, count), labels.AsSpan(start, count).ToArray().Select(v => v ?? "").ToArray());
        }

        var slice = ((double[])column).AsSpan(start, count);
        var shape = Shape(spec, count);
        Array data = spec.Datatype switch
        {
            TensorDatatype.Fp32 => slice.ToArray().Select(v => (float)v).ToArray(),
            TensorDatatype.Fp64 => slice.ToArray(),
            TensorDatatype.Int64 => slice.ToArray().Select(v => double.IsFinite(v) ? (long)v : throw WardenException.BadRequest($"input '{spec.Name}' has a missing value")).ToArray(),
            TensorDatatype.Int32 => slice.ToArray().Select(v => double.IsFinite(v) ? (int)v : throw WardenException.BadRequest($"input '{spec.Name}' has a missing value")).ToArray(),
            _ => throw WardenException.BadRequest($"input '{spec.Name}' is {spec.Datatype}; references support FP32, FP64, INT32, INT64 and BYTES (STRING) inputs"),
        };
        return new NamedTensor(spec.Name, spec.Datatype, shape, data);
    }

    private static long[] Shape(TensorSpec spec, int count) =>
        spec.Shape.Length switch
        {
            1 => [count],
            2 when spec.Shape[1] is 1 or -1 => [count, 1],
            _ => throw WardenException.BadRequest($"input '{spec.Name}' has shape {spec.ShapeText}; references need one value per row"),
        };
}
