using Warden.Core.Inference;
using Warden.Core.Pipelines.Expressions;
using Warden.Core.Registry;
using Warden.Core.Tensors;

namespace Warden.Core.Pipelines;

/// <summary>
/// A registry version of kind <see cref="ModelKinds.Pipeline"/>, loaded: the compiled document and the signature it is
/// served with. Pipeline versions hold no native resources, so they need no lease; the member models they call are
/// leased from the registry per request.
/// </summary>
public sealed class PipelineDeployment
{
    /// <summary>Output name of the decision (BYTES).</summary>
    public const string DecisionOutput = PipelineInterceptor.DecisionOutput;

    /// <summary>Output name of the score (FP32), present when a model scored.</summary>
    public const string ScoreOutput = PipelineInterceptor.ScoreOutput;

    private static readonly string[] RunnerVariables = ["score", "confidence", "margin"];

    private PipelineDeployment(ModelVersionRecord record, CompiledPipeline pipeline, ModelSignature signature)
    {
        Record = record;
        Pipeline = pipeline;
        Signature = signature;
    }

    /// <summary>The version's registry record.</summary>
    public ModelVersionRecord Record { get; }

    /// <summary>The compiled steps.</summary>
    public CompiledPipeline Pipeline { get; }

    /// <summary>Inputs (the union of the member models' inputs and the numbers rules read) and outputs (decision, score).</summary>
    public ModelSignature Signature { get; }

    /// <summary>Loads a stored version: parses the canonical document, compiles it, reads the stored signature.</summary>
    public static PipelineDeployment Load(ModelVersionRecord record, byte[] canonical)
    {
        var document = PipelineDocumentReader.FromCanonical(canonical);
        var stored = VersionSignature.Parse(record.SignatureJson);
        var signature = new ModelSignature(stored.Inputs.Select(ToSpec).ToList(), stored.Outputs.Select(ToSpec).ToList());
        return new PipelineDeployment(record, CompiledPipeline.Compile(document), signature);
    }

    /// <summary>
    /// The signature a pipeline is served with: every input of every member model (as the registry serves it now) and every
    /// numeric identifier its conditions read that no model takes (FP32 [-1, 1]); outputs are <c>decision</c> and <c>score</c>.
    /// Two members declaring one input name with different datatypes is a 400 naming both.
    /// </summary>
    public static ModelSignature Union(PipelineDocument document, Func<string, string?, ModelSignature> memberSignature)
    {
        var inputs = new List<TensorSpec>();
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (model, version) in Members(document))
        {
            foreach (var spec in memberSignature(model, version).Inputs)
            {
                if (owners.TryGetValue(spec.Name, out var owner))
                {
                    var existing = inputs.First(i => i.Name == spec.Name);
                    if (existing.Datatype != spec.Datatype)
                    {
                        throw WardenException.BadRequest(
                            $"input '{spec.Name}' is {existing.Datatype.ToWire()} for model '{owner}' but {spec.Datatype.ToWire()} for model '{model}'; a pipeline's members must agree on shared inputs");
                    }

                    continue;
                }

                owners[spec.Name] = model;
                inputs.Add(spec);
            }
        }

        foreach (var condition in document.Steps.Select(s => s.Condition).OfType<string>())
        {
            foreach (var name in RuleExpression.Parse(condition).Identifiers)
            {
                if (!owners.ContainsKey(name) && !RunnerVariables.Contains(name) && !name.StartsWith("sensitive.", StringComparison.Ordinal))
                {
                    owners[name] = "rule";
                    inputs.Add(new TensorSpec(name, TensorDatatype.Fp32, [-1, 1]));
                }
            }
        }

        return new ModelSignature(inputs,
        [
            new TensorSpec(DecisionOutput, TensorDatatype.Bytes, [-1, 1]),
            new TensorSpec(ScoreOutput, TensorDatatype.Fp32, [-1, 1]),
        ]);
    }

    /// <summary>The (model, version) pairs the steps call, in step order, without duplicates; version null means production.</summary>
    public static IReadOnlyList<(string Model, string? Version)> Members(PipelineDocument document)
    {
        var members = new List<(string, string?)>();
        foreach (var step in document.Steps)
        {
            if (step.Model is { Length: > 0 } model)
            {
                members.Add((model, step.Version));
            }

            members.AddRange(step.Members.Where(m => m.Model.Length > 0).Select(m => (m.Model, m.Version)));
        }

        return members.Distinct().ToList();
    }

    /// <summary>
    /// Decides one row: reads the bound inputs (those present; a rule that decides needs no model input), runs the steps
    /// with member models leased from <paramref name="registry"/>, and writes outputs, <c>decided_by</c>,
    /// <c>rules_fired</c> and <c>pipeline_version</c> to <paramref name="context"/>.
    /// </summary>
    public NamedTensor[] Decide(InferenceContext context, IModelCatalog registry)
    {
        var inputs = context.Inputs!;
        var result = PipelineEvaluation.Run(context, Pipeline, (model, version) => PipelineEvaluation.ScoreMember(registry, inputs, model, version, 400));
        return PipelineEvaluation.Apply(context, result, Record.Version);
    }

    /// <summary>The same compiled version with a newer record (its stage changed).</summary>
    internal PipelineDeployment WithRecord(ModelVersionRecord record) => new(record, Pipeline, Signature);

    private static TensorSpec ToSpec(Contracts.V2.TensorMetadata metadata) =>
        TensorDatatypes.TryParse(metadata.Datatype, out var datatype)
            ? new TensorSpec(metadata.Name, datatype, metadata.Shape.ToArray())
            : throw new InvalidDataException($"stored pipeline signature has datatype '{metadata.Datatype}'");
}
