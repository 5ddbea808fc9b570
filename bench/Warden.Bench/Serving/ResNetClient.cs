using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Warden.Contracts.Grpc;

namespace Warden.Bench.Serving;

/// <summary>
/// A running <c>warden serve</c> as the ResNet18 serving benchmark sees it: deployment and settings through the REST API,
/// one image as a binary-tensor HTTP request (Triton's extension) or a gRPC <c>ModelInfer</c> with raw contents.
/// </summary>
internal sealed partial class ResNetClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly GrpcChannel _channel;
    private readonly GRPCInferenceService.GRPCInferenceServiceClient _grpc;
    private readonly Metadata _headers;
    private readonly string _model;
    private static readonly ConditionalWeakTable<float[], byte[]> ImageBytes = [];

    public ResNetClient(Uri rest, Uri grpc, string key, string model)
    {
        _model = model;
        Key = key;
        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = rest,
            Timeout = TimeSpan.FromMinutes(5),
        };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        _channel = GrpcChannel.ForAddress(grpc, new GrpcChannelOptions { MaxReceiveMessageSize = 64 << 20, MaxSendMessageSize = 64 << 20 });
        _grpc = new GRPCInferenceService.GRPCInferenceServiceClient(_channel);
        _headers = new Metadata { { "authorization", "Bearer " + key } };
    }

    /// <summary>A client of the same server for another model.</summary>
    public ResNetClient For(string model) => new(_http.BaseAddress!, _channel.Target.Contains("://", StringComparison.Ordinal) ? new Uri(_channel.Target) : new Uri("http://" + _channel.Target), Key, model);

    /// <summary>The API key the client sends.</summary>
    public string Key { get; }

    /// <summary>Deploys <paramref name="onnx"/> as the model's production version 1 (kept when it is already there).</summary>
    public async Task DeployAsync(byte[] onnx)
    {
        if ((await _http.GetAsync($"/v2/models/{_model}/versions/1/ready")).IsSuccessStatusCode)
        {
            return;
        }

        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(onnx), "model", "model.onnx" },
            { new StringContent("1"), "version" },
            { new StringContent("production"), "stage" },
        };
        using var response = await _http.PostAsync($"/api/models/{_model}/versions", form);
        await EnsureAsync(response, "deploy");
    }

    /// <summary>Replaces the model's <c>serving</c> settings document and waits until the version answers again.</summary>
    public async Task PutServingAsync(object settings, float[] image)
    {
        using var content = new StringContent(JsonSerializer.Serialize(settings), Encoding.UTF8, "application/json");
        using var response = await _http.PutAsync($"/api/models/{_model}/settings/serving", content);
        await EnsureAsync(response, "serving settings");
        for (var i = 0; i < 5; i++)
        {
            await GrpcAsync(image);
        }
    }

    /// <summary>One image over HTTP, input and output as binary data; returns the features.</summary>
    public async Task<float[]> HttpBinaryAsync(float[] image, ReadOnlyMemory<byte> header)
    {
        using var content = new BinaryTensorContent(header, BytesOf(image));
        using var response = await _http.PostAsync($"/v2/models/{_model}/infer", content);
        await EnsureAsync(response, "binary infer");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var jsonLength = int.Parse(response.Headers.GetValues("Inference-Header-Content-Length").Single(), CultureInfo.InvariantCulture);
        return MemoryMarshal.Cast<byte, float>(bytes.AsSpan(jsonLength)).ToArray();
    }

    /// <summary>The JSON part of a binary request for <paramref name="shape"/> (one FP32 input, binary output).</summary>
    public static byte[] BinaryHeader(string input, string output, long[] shape) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        inputs = new[] { new { name = input, shape, datatype = "FP32", parameters = new { binary_data_size = shape.Aggregate(4L, (a, d) => a * d) } } },
        outputs = new[] { new { name = output, parameters = new { binary_data = true } } },
    });

    /// <summary>One image as a gRPC ModelInfer with raw_input_contents; returns the features from raw_output_contents.</summary>
    public async Task<float[]> GrpcAsync(float[] image)
    {
        var request = new ModelInferRequest { ModelName = _model };
        request.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = ResNetServing.Input, Datatype = "FP32", Shape = { ResNetServing.Shape } });
        request.RawInputContents.Add(UnsafeByteOperations.UnsafeWrap(BytesOf(image)));
        var response = await _grpc.ModelInferAsync(request, new CallOptions(_headers));
        return MemoryMarshal.Cast<byte, float>(response.RawOutputContents[0].Span).ToArray();
    }

    // The image's bytes, made once per image and sent as they are by every request (the in-process path hands ONNX Runtime
    // the array itself): a client that copied 602 KB into a new buffer per request would add its own copy, and the
    // large-object garbage it leaves, to what is measured as serving overhead.
    private static ReadOnlyMemory<byte> BytesOf(float[] image) =>
        ImageBytes.GetValue(image, i => MemoryMarshal.AsBytes(i.AsSpan()).ToArray());

    /// <summary>Mean of the model's batch-size histogram as <c>/metrics</c> reports it now: (sum, count).</summary>
    public async Task<(double Sum, double Count)> BatchSizeTotalsAsync()
    {
        var text = await _http.GetStringAsync("/metrics");
        double sum = 0, count = 0;
        foreach (Match m in BatchSizeLine().Matches(text))
        {
            if (!m.Groups["labels"].Value.Contains($"model=\"{_model}\"", StringComparison.Ordinal))
            {
                continue;
            }

            var value = double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);
            if (m.Groups["kind"].Value == "sum")
            {
                sum += value;
            }
            else
            {
                count += value;
            }
        }

        return (sum, count);
    }

    /// <summary>
    /// Cumulative server-side times in nanoseconds: ASP.NET Core's request duration of the infer route of each transport
    /// (HTTP and gRPC, from <c>/metrics</c>) and, from the statistics extension, the inference path (success), the graph
    /// runs (compute_infer) and the conversions around them (compute_input + compute_output).
    /// </summary>
    public async Task<ServerTimes> ServerTimesAsync(bool hosting = true)
    {
        using var document = JsonDocument.Parse(await _http.GetStringAsync($"/v2/models/{_model}/versions/1/stats"));
        var stats = document.RootElement.GetProperty("model_stats")[0].GetProperty("inference_stats");
        double Ns(string name) => stats.GetProperty(name).GetProperty("ns").GetDouble();
        double http = 0, grpc = 0;
        foreach (Match m in RequestDurationLine().Matches(hosting ? await _http.GetStringAsync("/metrics") : ""))
        {
            var seconds = double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);
            if (m.Groups["route"].Value.EndsWith("/ModelInfer", StringComparison.Ordinal))
            {
                grpc += seconds * 1e9;
            }
            else if (m.Groups["route"].Value.EndsWith("/infer", StringComparison.Ordinal))
            {
                http += seconds * 1e9;
            }
        }

        return new ServerTimes([http, grpc], Ns("success"), Ns("compute_infer"), Ns("compute_input") + Ns("compute_output"));
    }

    /// <summary>Server-side times in nanoseconds (see <see cref="ServerTimesAsync"/>); Hosting holds HTTP then gRPC.</summary>
    public sealed record ServerTimes(double[] Hosting, double Success, double Infer, double Convert);

    public void Dispose()
    {
        _http.Dispose();
        _channel.Dispose();
    }

    private static async Task EnsureAsync(HttpResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    [GeneratedRegex(@"^http_server_request_duration_seconds_sum\{[^}]*http_route=""(?<route>[^""]*)""[^}]*\} (?<value>[0-9.eE+-]+)", RegexOptions.Multiline)]
    private static partial Regex RequestDurationLine();

    [GeneratedRegex(@"^warden_batching_batch_size\w*_(?<kind>sum|count)\{(?<labels>[^}]*)\} (?<value>[0-9.eE+-]+)", RegexOptions.Multiline)]
    private static partial Regex BatchSizeLine();
}
