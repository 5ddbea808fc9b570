using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Warden.Core.Inference;

namespace Warden.Bench.Serving;

/// <summary>The in-process request path for one credit-risk row: parse → bind → run → write, and its parts.</summary>
[MemoryDiagnoser]
public class InferencePathBenchmarks
{
    private byte[] _body = [];
    private LoadedModel _model = null!;
    private NamedTensorArray _bound = null!;

    [GlobalSetup]
    public void Setup()
    {
        var onnx = File.ReadAllBytes(RepoFile("samples/models/credit-risk/1/model.onnx"));
        _model = LoadedModel.Load("credit-risk", "1", onnx, new OnnxOptions());
        string[] names = ["pirat", "hirat", "lvrat", "chist", "mhist", "phist", "unemp", "selfemp", "insurance", "condomin", "single", "hschool"];
        double[] values = [0.221, 0.221, 0.8, 5, 2, 0, 3.9, 0, 0, 0, 0, 1];
        var inputs = string.Join(",", names.Select((n, i) => $"{{\"name\":\"{n}\",\"shape\":[1,1],\"datatype\":\"FP32\",\"data\":[{values[i].ToString(System.Globalization.CultureInfo.InvariantCulture)}]}}"));
        _body = Encoding.UTF8.GetBytes("{\"inputs\":[" + inputs + "]}");
        var request = InferenceRequestReader.Read(_body);
        _bound = new NamedTensorArray(InputBinder.Bind("credit-risk", _model.Signature, request.Inputs));
    }

    [Benchmark]
    public int ParseAndBind()
    {
        var request = InferenceRequestReader.Read(_body);
        return InputBinder.Bind("credit-risk", _model.Signature, request.Inputs).Length;
    }

    [Benchmark]
    public int RunModel() => _model.Run(_bound.Items, null).Length;

    [Benchmark(Baseline = true)]
    public long FullPath()
    {
        var request = InferenceRequestReader.Read(_body);
        var inputs = InputBinder.Bind("credit-risk", _model.Signature, request.Inputs);
        var outputs = _model.Run(inputs, null);
        using var stream = new MemoryStream();
        using var writer = new Utf8JsonWriter(stream);
        InferenceResponseWriter.Write(writer, "credit-risk", "1", "id", outputs);
        writer.Flush();
        return stream.Length;
    }

    private static string RepoFile(string relative)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Warden.slnx")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("run from inside the repository"), relative);
    }

    private sealed record NamedTensorArray(Warden.Core.Tensors.NamedTensor[] Items);
}
