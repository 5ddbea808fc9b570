using Warden.Core.Storage.Sql;
using System.Diagnostics.Metrics;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Warden.Contracts.Registry;
using Warden.Core.Access;
using Warden.Core.Audit;
using Warden.Core.Inference;
using Warden.Core.Pipelines;
using Warden.Core.Predictions;
using Warden.Core.Registry;
using Warden.Storage.Sqlite;
using Warden.Core.Telemetry;

namespace Warden.Bench.Pipelines;

/// <summary>
/// One credit-risk row through <see cref="InferenceService"/> (binding, registry lease, run, response tensors; prediction
/// log off): the model alone, a deployed rule+model pipeline whose rule does not fire (the model runs, leased through the
/// registry), and the same pipeline with a row the rule decides (no model call).
/// </summary>
[MemoryDiagnoser]
public class DeployedPipelineBenchmarks
{
    private static readonly string[] Names = ["pirat", "hirat", "lvrat", "chist", "mhist", "phist", "unemp", "selfemp", "insurance", "condomin", "single", "hschool"];
    private readonly ApiKeyRecord _caller = new("key_bench", "bench", WardenRoles.Admin, ["*"], "", DateTimeOffset.UnixEpoch, null, null);
    private string _dir = "";
    private ModelRegistry _registry = null!;
    private InferenceService _service = null!;
    private byte[] _low = [];
    private byte[] _high = [];

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "warden-bench-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(_dir);
        var database = new SqliteDatabase(Path.Combine(_dir, "warden.db"));
        var time = TimeProvider.System;
        _registry = new ModelRegistry(new SqlModelStore(database), new ModelBlobStore(_dir), new AuditLog(new SqlAuditStore(database), time),
            Options.Create(new OnnxOptions { IntraOpThreads = 1, InterOpThreads = 1 }), time, NullLogger<ModelRegistry>.Instance);
        _registry.InitializeAsync().GetAwaiter().GetResult();
        var onnx = File.ReadAllBytes(RepoFile("samples/models/credit-risk/1/model.onnx"));
        _registry.DeployAsync("credit-risk", onnx, new ModelCard { ScoreOutput = "probability" }, "bench", stage: ModelStages.Production).GetAwaiter().GetResult();
        var document = PipelineDocumentReader.Parse("""
            steps:
              - { name: high-ltv, type: rule, condition: "lvrat > 1.2", action: decide, label: refer }
              - { name: risk, type: model, model: credit-risk }
              - { name: cut, type: threshold, threshold: 0.5 }
            """);
        _registry.DeployPipelineAsync("credit-gate", document, null, "bench", stage: ModelStages.Production).GetAwaiter().GetResult();
        var log = new PredictionLog(Options.Create(new PredictionLogOptions { Enabled = false }));
        _service = new InferenceService(_registry, log, new WardenMetrics(new BenchMeterFactory(), log), time, []);
        _low = Body([0.221, 0.221, 0.8, 5, 2, 0, 3.9, 0, 0, 0, 0, 1]);
        _high = Body([0.221, 0.221, 1.3, 5, 2, 0, 3.9, 0, 0, 0, 0, 1]);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _registry.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public int ModelAlone() => Infer("credit-risk", _low);

    [Benchmark]
    public int RulePlusModel() => Infer("credit-gate", _low);

    [Benchmark]
    public int RuleDecides() => Infer("credit-gate", _high);

    private int Infer(string model, byte[] body)
    {
        var request = InferenceRequestReader.Read(body);
        // Without a serving document (no batching) the call completes synchronously.
        return _service.InferAsync(new InferenceCall(model, null, request, _caller, null)).GetAwaiter().GetResult().Outputs.Length;
    }

    private static byte[] Body(double[] values) => Encoding.UTF8.GetBytes("{\"inputs\":[" + string.Join(",", Names.Select((n, i) =>
        $"{{\"name\":\"{n}\",\"shape\":[1,1],\"datatype\":\"FP32\",\"data\":[{values[i].ToString(System.Globalization.CultureInfo.InvariantCulture)}]}}")) + "]}");

    private static string RepoFile(string relative)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Warden.slnx")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("run from inside the repository"), relative);
    }

    private sealed class BenchMeterFactory : IMeterFactory
    {
        public Meter Create(MeterOptions options) => new(options);

        public void Dispose()
        {
        }
    }
}
