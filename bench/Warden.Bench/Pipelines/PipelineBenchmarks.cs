using BenchmarkDotNet.Attributes;
using Warden.Core.Inference;
using Warden.Core.Pipelines;
using Warden.Core.Tensors;

namespace Warden.Bench.Pipelines;

/// <summary>
/// One credit-risk row: the model alone against the same model behind a rule (<c>lvrat &gt; 1.2 → refer</c>, not firing)
/// and a threshold, as <see cref="PipelineInterceptor"/> runs it (the model's outputs are reused, the rule and threshold
/// evaluated, the decision tensor built). Target: the pipeline within 10% of the model alone.
/// </summary>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    private static readonly string[] Names = ["pirat", "hirat", "lvrat", "chist", "mhist", "phist", "unemp", "selfemp", "insurance", "condomin", "single", "hschool"];
    private static readonly float[] Row = [0.221f, 0.221f, 0.8f, 5, 2, 0, 3.9f, 0, 0, 0, 0, 1];
    private LoadedModel _model = null!;
    private NamedTensor[] _inputs = null!;
    private CompiledPipeline _pipeline = null!;

    [GlobalSetup]
    public void Setup()
    {
        var options = new OnnxOptions { IntraOpThreads = 1, InterOpThreads = 1 };
        _model = LoadedModel.Load("credit-risk", "1", File.ReadAllBytes(FindModel()), options);
        _inputs = Names.Select((n, i) => new NamedTensor(n, TensorDatatype.Fp32, [1, 1], new[] { Row[i] })).ToArray();
        _pipeline = CompiledPipeline.Compile(new PipelineDocument
        {
            Steps =
            [
                new PipelineStep { Name = "high-ltv", Type = "rule", Condition = "lvrat > 1.2", Action = "decide", Label = "refer" },
                new PipelineStep { Name = "risk", Type = "model", Model = "credit-risk" },
                new PipelineStep { Name = "cut", Type = "threshold", Threshold = 0.5 },
            ],
            PositiveLabel = "deny",
            NegativeLabel = "approve",
        });
    }

    [GlobalCleanup]
    public void Cleanup() => _model.Retire();

    [Benchmark(Baseline = true)]
    public NamedTensor[] ModelAlone() => _model.Run(_inputs, null);

    [Benchmark]
    public NamedTensor[] RuleAndModelPipeline()
    {
        var outputs = _model.Run(_inputs, null);
        var variables = new Dictionary<string, object?>(_inputs.Length + 8, StringComparer.Ordinal);
        foreach (var input in _inputs)
        {
            variables[input.Name] = input.GetDouble(0);
        }

        var result = PipelineRunner.Run(_pipeline, variables, (_, _) => outputs[1].GetDouble(0));
        return [new NamedTensor("decision", TensorDatatype.Bytes, [1, 1], new[] { result.Label }), new NamedTensor("score", TensorDatatype.Fp32, [1, 1], new[] { (float)result.Score!.Value })];
    }

    private static string FindModel()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Warden.slnx")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("Warden.slnx not found"), "samples", "models", "credit-risk", "1", "model.onnx");
    }
}
