using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Warden.Contracts.Admin;
using Warden.Core.Settings;
using Warden.Server.Tests.Docs;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Security;

/// <summary>
/// A structure-aware campaign over every operation of <c>docs/openapi.json</c>: each request picks an operation, fills its
/// path and query parameters from registered, unknown and hostile values, and sends a seed body of that operation (the
/// docs' examples, the schema's shape, hand-written seeds) with up to three structural mutations plus byte-level ones the
/// JSON writer cannot produce (lone surrogate escapes, invalid UTF-8, duplicate keys, truncation). Deploys get mutated and
/// truncated multipart bodies. Never a 5xx, never a hang; the server stays ready and its audit chain intact.
/// <c>WARDEN_OPENAPI_FUZZ_REQUESTS</c> and <c>WARDEN_FUZZ_SEED</c> run the long campaign (docs/security.md), which also
/// checks that memory after a forced GC stays within 20 % of what it was after warm-up.
/// </summary>
public sealed class OpenApiFuzzTests(ITestOutputHelper output)
{
    private const string LoneSurrogate = "\u0001lone\u0001";
    private const string BadUtf8 = "\u0001utf8\u0001";

    private static readonly JsonNode?[] Hostile =
    [
        null, "", "x", "NaN", "1e400", new string('z', 3000), "../../etc/passwd", "lvrat2 > 1.2", "(((((", "\u0000", LoneSurrogate, BadUtf8,
        "x" + LoneSurrogate, "credit-risk", "afam", "no", "yes", "2", "1", "archived", "production",
        0, -1, 1, 2, int.MaxValue, long.MinValue, 1e308, 0.5,
        true, false, new JsonArray(), new JsonArray((JsonNode?)null), new JsonArray(""), new JsonArray("afam", "afam"), new JsonArray(1, "a", null),
        new JsonObject(), new JsonObject { ["afam"] = "martian" }, new JsonObject { ["a"] = new JsonObject { ["b"] = new JsonArray() } },
    ];

    private static readonly string[] PathModels = ["credit-risk", "credit-risk", "credit-risk", "fuzz-pipeline", "%ED%A0%80", "%FF%FE", "%F0%9F%98%80", "..", "a%2Fb"];

    [Fact]
    public async Task Every_openapi_operation_survives_structure_aware_fuzzing_without_a_server_error()
    {
        var requests = int.TryParse(Environment.GetEnvironmentVariable("WARDEN_OPENAPI_FUZZ_REQUESTS"), CultureInfo.InvariantCulture, out var n) ? n : 1200;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("WARDEN_FUZZ_SEED"), CultureInfo.InvariantCulture, out var s) ? s : 20261206;
        var operations = OpenApiOperations.Load(Warden.Tests.RepoFiles.Path("docs/openapi.json"));
        var errors = new CapturingLoggerProvider(Microsoft.Extensions.Logging.LogLevel.Error, capacity: 100);
        using var factory = new WardenFactory { ExtraServices = services => services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(errors) };
        factory.Settings["Warden:Monitoring:TickSeconds"] = "3600";
        var admin = factory.Admin();
        var kinds = factory.Services.GetServices<SettingsKind>().Select(k => k.Name).Append("no-such-kind").ToArray();
        var keys = new List<HttpClient> { admin };
        foreach (var role in new[] { "deployer", "consumer", "reviewer", "auditor" })
        {
            var created = await admin.PostAsJsonAsync("/api/keys", new { name = "fuzz-" + role, role }, TestContext.Current.CancellationToken);
            keys.Add(factory.Authorized((await created.Content.ReadFromJsonAsync<CreatedKey>(TestContext.Current.CancellationToken))!.Secret));
        }

        var seeds = Seeds(operations);
        var onnx = Deploy.CreditRiskOnnx();
        var card = await File.ReadAllTextAsync(Warden.Tests.RepoFiles.Path("samples/models/credit-risk/1/card.json"), TestContext.Current.CancellationToken);
        var random = new Random(seed);
        var failures = new List<string>();
        var statuses = new SortedDictionary<int, int>();
        var hits = new Dictionary<string, int>(StringComparer.Ordinal);
        var warmUp = Math.Min(5000, requests / 10);
        long startRss = 0;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < requests; i++)
        {
            if (i == warmUp)
            {
                startRss = SettledRss();
            }

            if (requests >= 10_000 && i % (requests / 10) == 0)
            {
                MemoryCheckpoint(i);
            }

            var operation = operations[random.Next(operations.Count)];
            hits[operation.Key] = hits.GetValueOrDefault(operation.Key) + 1;
            using var request = Build(operation, seeds.GetValueOrDefault(operation.Key) ?? [], kinds, onnx, card, random);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            timeout.CancelAfter(TimeSpan.FromMinutes(2));
            var described = $"{request.Method} {request.RequestUri}";
            var body = request.Content is null ? "" : Printable(await request.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
            try
            {
                using var response = await keys[random.Next(8) == 0 ? random.Next(keys.Count) : 0].SendAsync(request, timeout.Token);
                var status = (int)response.StatusCode;
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
                if (status >= 500 && status != 503)
                {
                    var logged = errors.Lines.LastOrDefault() ?? "";
                    failures.Add($"{described} {body} → {status}; logged: {logged[..Math.Min(logged.Length, 900)]}");
                }
            }
            catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                failures.Add($"{described} {body} → no answer within 2 minutes");
            }
        }

        var endRss = SettledRss();
        if (requests >= 10_000)
        {
            MemoryCheckpoint(requests);
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"seed {seed}; requests: {requests} over {operations.Count} operations in {clock.Elapsed.TotalSeconds:0} s; 5xx or hangs: {failures.Count}; statuses: {string.Join(", ", statuses.Select(x => $"{x.Key}×{x.Value}"))}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RSS after GC: {startRss / 1048576.0:0} MB after {warmUp} warm-up requests, {endRss / 1048576.0:0} MB at the end ({(endRss - startRss) * 100.0 / startRss:+0.0;-0.0} %)"));
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
        Assert.Equal(System.Net.HttpStatusCode.OK, (await factory.CreateClient().GetAsync("/v2/health/ready", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await admin.GetAsync("/api/audit/verify", TestContext.Current.CancellationToken)).StatusCode);
        if (requests >= operations.Count * 20)
        {
            Assert.All(operations, o => Assert.True(hits.ContainsKey(o.Key), $"{o.Key} was never fuzzed"));
        }

        if (requests >= 10_000)
        {
            Assert.True(endRss <= startRss * 1.2, $"RSS grew from {startRss} to {endRss} bytes");
        }
    }

    [Fact]
    public async Task Bodies_that_caused_server_errors_in_the_campaign_are_client_errors()
    {
        using var factory = new WardenFactory();
        var admin = factory.Admin();
        var infer = V2Requests.CreditRisk().ToJsonString();
        var cases = new List<(string Method, string Path, string ContentType, byte[] Body)>
        {
            ("POST", "/edge/telemetry", "application/json", Encoding.UTF8.GetBytes("""{"deviceId":"dev-1","records":[null]}""")),
            ("POST", "/edge/telemetry", "application/json", Encoding.UTF8.GetBytes("""{"deviceId":"dev-1","records":null}""")),
            ("POST", "/edge/devices", "application/json", Encoding.UTF8.GetBytes("""{"deviceId":null,"channel":null,"keyId":null}""")),
            ("POST", "/api/models/credit-risk/feedback", "application/json", Encoding.UTF8.GetBytes("""{"items":[{"id":"x\ud800","label":"yes"}]}""")),
            ("POST", "/api/models/credit-risk/feedback", "application/json", Encoding.UTF8.GetBytes("""{"items":[{"id":"x\udc00\ud800","label":"yes"}]}""")),
            ("POST", "/v2/models/credit-risk/infer", "application/json", [.. Encoding.UTF8.GetBytes(infer[..^2]), .. ",\"id\":\""u8.ToArray(), 0xC3, 0x28, 0xFF, .. "\"}"u8.ToArray()]),
            ("POST", "/v2/models/credit-risk/explain", "application/json", Encoding.UTF8.GetBytes(infer.Replace("\"pirat\"", "\"pi\\ud800rat\"", StringComparison.Ordinal))),
            ("POST", "/api/pipelines/fuzz-pipe/versions", "application/json", Encoding.UTF8.GetBytes("""{"steps":[{"name":"a","type":"model","model":"credit-risk"}],"steps":[]}""")),
            ("POST", "/api/pipelines/fuzz-pipe/versions", "application/json", Encoding.UTF8.GetBytes("""{"steps":[{"name":"a","type":"model","model":"\ud800"}]}""")),
            ("POST", "/api/pipelines/fuzz-pipe/versions", "application/yaml", Encoding.UTF8.GetBytes("steps:\n  - { name: \"\\ud800\", type: model, model: credit-risk }\n")),
            // Seed 17 of the 100,000-request campaign: a low surrogate escape before a high one crashed YamlDotNet's scanner.
            ("POST", "/api/pipelines/fuzz-pipe/versions", "application/json", Encoding.UTF8.GetBytes("\"x\\udfff\\ud800\"")),
            ("POST", "/api/pipelines/fuzz-pipe/versions", "application/yaml", """["afam","\udfff\ud800"]"""u8.ToArray()),
            ("POST", "/api/pipelines/fuzz-pipe/versions", "application/yaml", Encoding.UTF8.GetBytes("steps:\n  - { name: \"\\udfff\\ud800\", type: model, model: credit-risk }\n")),
            ("POST", "/api/models/credit-risk/versions/1/promote", "application/json", "[]"u8.ToArray()),
            ("POST", "/api/models/credit-risk/versions/1/promote", "application/json", "\"staging\""u8.ToArray()),
            ("POST", "/api/models/credit-risk/versions/1/promote", "application/json", """{"stage":5,"force":"yes"}"""u8.ToArray()),
            ("POST", "/api/models/credit-risk/fairness/reports", "application/json", """{"sensitiveFeatures":["afam","afam"]}"""u8.ToArray()),
            ("PUT", "/api/models/credit-risk/settings/review-policy", "application/json", """{"mode":"hold","rule":"x\ud800"}"""u8.ToArray()),
            // FuzzTests seed 20260326: a number beyond a double's range has no RFC 8785 form for the audit entry.
            ("PUT", "/api/models/credit-risk/settings/output-policy", "application/json", """{"mode":"top-class","extra":[1e400]}"""u8.ToArray()),
        };
        using var form = Deploy.Form(Deploy.CreditRiskOnnx(), "{}");
        var multipart = await form.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
        var failures = new List<string>();
        foreach (var (method, path, contentType, body) in cases)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            using var response = await admin.SendAsync(request, TestContext.Current.CancellationToken);
            if ((int)response.StatusCode is < 400 or >= 500)
            {
                failures.Add($"{method} {path} {Printable(body)} → {(int)response.StatusCode}");
            }
        }

        using (var truncated = new HttpRequestMessage(HttpMethod.Post, "/api/models/credit-risk/versions") { Content = new ByteArrayContent(multipart[..(multipart.Length / 2)]) })
        {
            truncated.Content.Headers.ContentType = form.Headers.ContentType;
            var status = (int)(await admin.SendAsync(truncated, TestContext.Current.CancellationToken)).StatusCode;
            Assert.True(status == 400, $"truncated multipart deploy → {status}");
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task Rollout_report_over_reused_prediction_ids_is_answered()
    {
        using var factory = new WardenFactory();
        var admin = factory.Admin();
        // Whether a reused id is stored twice or refused (409) is the prediction log's rule; the report must answer either way.
        Assert.Equal(System.Net.HttpStatusCode.OK, (await admin.InferAsync(V2Requests.CreditRisk(id: "reused"))).StatusCode);
        Assert.Contains((await admin.InferAsync(V2Requests.CreditRisk(id: "reused"))).StatusCode, new[] { System.Net.HttpStatusCode.OK, System.Net.HttpStatusCode.Conflict });

        for (var attempt = 0; attempt < 200; attempt++)
        {
            var posted = await (await admin.PostAsJsonAsync("/api/models/credit-risk/feedback", new { items = new[] { new { id = "reused", label = "yes" } } }, TestContext.Current.CancellationToken))
                .Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(TestContext.Current.CancellationToken);
            if (posted.GetProperty("matched").GetInt32() >= 1)
            {
                break;
            }

            await Task.Delay(25, TestContext.Current.CancellationToken);
        }

        using var report = await admin.GetAsync("/api/models/credit-risk/rollout/report?version=1", TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.OK, report.StatusCode);
    }

    private static long SettledRss()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    /// <summary>
    /// Long campaigns print RSS next to the managed heap and the GC's committed bytes after a forced GC, so growth can be
    /// told apart as managed (live objects), GC-retained (committed, not returned) or native (the rest of RSS).
    /// </summary>
    private void MemoryCheckpoint(int request)
    {
        var rss = SettledRss();
        var info = GC.GetGCMemoryInfo(GCKind.Any);
        var line = string.Create(CultureInfo.InvariantCulture,
            $"memory at request {request}: RSS {rss / 1048576.0:0.0} MB, managed heap {GC.GetTotalMemory(false) / 1048576.0:0.0} MB, GC committed {info.TotalCommittedBytes / 1048576.0:0.0} MB, fragmented {info.FragmentedBytes / 1048576.0:0.0} MB");
        output.WriteLine(line);
        if (Environment.GetEnvironmentVariable("WARDEN_FUZZ_MEMORY_LOG") is { Length: > 0 } log)
        {
            File.AppendAllText(log, line + Environment.NewLine);
        }
    }

    private static string Printable(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 300));
        return text.Replace("\n", "\\n", StringComparison.Ordinal);
    }

    /// <summary>Seed bodies per operation: the docs' examples sent there, the schema's shape, and hand-written ones.</summary>
    private static Dictionary<string, List<(string? Path, string Body, string ContentType)>> Seeds(IReadOnlyList<OpenApiOperations.Operation> operations)
    {
        var seeds = operations.ToDictionary(o => o.Key, o => o.Sample is null ? [] : new List<(string?, string, string)> { (null, o.Sample.ToJsonString(), "application/json") }, StringComparer.Ordinal);
        foreach (var example in DocExamples.AllBodies)
        {
            if (operations.FirstOrDefault(o => o.Method == example.Method && o.Matches(example.Path)) is { } operation)
            {
                seeds[operation.Key].Add((example.Path, example.Body, "application/json"));
            }
        }

        void Add(string method, string template, string body, string contentType = "application/json")
        {
            if (seeds.TryGetValue(method + " " + template, out var list))
            {
                list.Add((null, body, contentType));
            }
        }

        var infer = V2Requests.CreditRisk(parameters: new JsonObject { ["purpose"] = "underwriting", ["sensitive.afam"] = "no" }).ToJsonString();
        foreach (var route in new[] { "/v2/models/{model}/infer", "/v2/models/{model}/versions/{version}/infer", "/v2/models/{model}/explain", "/v2/models/{model}/versions/{version}/explain" })
        {
            Add("POST", route, V2Requests.CreditRisk().ToJsonString());
            Add("POST", route, infer);
        }

        Add("POST", "/api/models/{model}/feedback", """{"items":[{"id":"fz-1","label":"yes"},{"id":"fz-1","label":"no"}]}""");
        Add("POST", "/api/keys", """{"name":"fz","role":"consumer","models":["credit-risk"],"purposes":["underwriting"],"rateLimit":5,"burst":5}""");
        Add("POST", "/api/models/{model}/versions/{version}/promote", """{"stage":"staging","reason":"fuzz"}""");
        Add("POST", "/api/models/{model}/versions/{version}/promote", """{"stage":"production","reason":"fuzz","force":true}""");
        Add("POST", "/api/models/{model}/rollback", """{"reason":"fuzz"}""");
        Add("POST", "/api/models/{model}/retrain", """{"trainingData":"/nonexistent/fuzz.csv","feedbackWeight":2}""");
        Add("POST", "/api/models/{model}/fairness/reports", """{"since":"7d","sensitiveFeatures":["afam"],"privileged":{"afam":"no"},"threshold":0.2,"bootstrap":0,"minGroupSize":5}""");
        Add("POST", "/api/reviews/{id}/decide", """{"label":"approve","comment":"fuzz"}""");
        Add("POST", "/api/reviews/{id}/claim", "{}");
        Add("POST", "/edge/bundles", """{"model":"credit-risk","version":"1","channel":"stable"}""");
        Add("POST", "/edge/devices", """{"deviceId":"dev-1","channel":"stable","keyId":null}""");
        Add("POST", "/edge/telemetry", """{"deviceId":"dev-1","records":[{"sequence":1,"model":"credit-risk","version":"1","latencyMs":2,"time":"2026-12-06T09:00:00Z"}]}""");
        Add("POST", "/edge/telemetry", """{"deviceId":"dev-1","records":[null]}""");
        Add("PUT", "/api/models/{model}/settings/{kind}", """{"canary":{"version":"1","percent":10}}""");
        var pipeline = """{"steps":[{"name":"high","type":"rule","condition":"lvrat > 1.2","action":"decide","label":"refer"},{"name":"risk","type":"model","model":"credit-risk"},{"name":"cut","type":"threshold","threshold":0.5}]}""";
        Add("POST", "/api/pipelines/{model}/versions", pipeline);
        Add("POST", "/api/pipelines/{model}/versions", """{"steps":[{"name":"a","type":"model","model":"credit-risk"}],"steps":[]}""");
        Add("POST", "/api/pipelines/{model}/versions", "steps:\n  - { name: risk, type: model, model: credit-risk }\n  - { name: cut, type: threshold, threshold: 0.5 }\n", "application/yaml");
        Add("PUT", "/api/models/{model}/versions/{version}/reference", "pirat,hirat,lvrat,chist,mhist,phist,unemp,selfemp,insurance,condomin,single,hschool,deny\n0.2,0.2,0.8,1,2,0,3.2,0,0,0,1,1,no\n", "text/csv");
        return seeds;
    }

    private static HttpRequestMessage Build(
        OpenApiOperations.Operation operation, List<(string? Path, string Body, string ContentType)> seeds, string[] kinds, byte[] onnx, string card, Random random)
    {
        var seedIndex = seeds.Count == 0 ? -1 : random.Next(seeds.Count);
        var path = seedIndex >= 0 && seeds[seedIndex].Path is { } concrete && random.Next(3) > 0 ? concrete : Fill(operation.Template, kinds, random);
        var query = operation.Query.Where(_ => random.Next(3) == 0).Select(q => q + "=" + QueryValue(random)).ToList();
        if (query.Count > 0)
        {
            path += (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + string.Join("&", query);
        }

        var request = new HttpRequestMessage(new HttpMethod(operation.Method), path);
        if (operation.Method is "GET" || (operation.Method is "DELETE" && random.Next(2) == 0))
        {
            return request;
        }

        if (operation.Template == "/api/models/{model}/versions")
        {
            request.Content = Multipart(onnx, card, random);
            return request;
        }

        var (body, contentType) = seedIndex < 0 ? ("{}", "application/json") : (seeds[seedIndex].Body, seeds[seedIndex].ContentType);
        byte[] bytes;
        if (contentType == "application/json" && random.Next(10) > 0 && Parse(body) is { } document)
        {
            for (var m = random.Next(0, 4); m > 0; m--)
            {
                document = JsonMutator.Mutate(document, random, Hostile);
            }

            var text = document?.ToJsonString() ?? "null";
            if (document is JsonObject { Count: > 0 } obj && random.Next(8) == 0)
            {
                // A repeated property: System.Text.Json's node API cannot write one, a client can.
                var (name, value) = obj.ElementAt(random.Next(obj.Count));
                text = "{" + System.Text.Json.JsonSerializer.Serialize(name) + ":" + (value?.ToJsonString() ?? "null") + "," + text[1..];
            }

            bytes = Hostilize(text, random);
        }
        else
        {
            bytes = Hostilize(body.Replace("credit-risk", random.Next(4) == 0 ? LoneSurrogate : "credit-risk", StringComparison.Ordinal), random);
        }

        request.Content = new ByteArrayContent(bytes);
        request.Content.Headers.ContentType = random.Next(12) switch
        {
            0 => new MediaTypeHeaderValue("multipart/form-data"),
            1 => new MediaTypeHeaderValue("text/plain"),
            _ => MediaTypeHeaderValue.Parse(contentType + (random.Next(2) == 0 ? "; charset=utf-8" : "")),
        };
        return request;
    }

    // Null for a seed the node API cannot hold (a repeated property, a placeholder such as "$ID"): it is sent as written.
    private static JsonNode? Parse(string body)
    {
        try
        {
            var node = JsonNode.Parse(body);
            var nodes = new List<JsonNode>();
            JsonMutator.Collect(node, nodes);
            return node;
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Serialises, then swaps the placeholders for what no JSON writer emits, and sometimes truncates or flips bytes.</summary>
    private static byte[] Hostilize(string text, Random random)
    {
        var escaped = text.Replace(Escape(LoneSurrogate), random.Next(2) == 0 ? "\\ud800" : "\\udfff\\ud800", StringComparison.Ordinal)
            .Replace(LoneSurrogate, "\\ud800", StringComparison.Ordinal);
        var utf8 = Encoding.UTF8.GetBytes(escaped.Replace(Escape(BadUtf8), "\u0002", StringComparison.Ordinal).Replace(BadUtf8, "\u0002", StringComparison.Ordinal));
        var bytes = utf8.SelectMany(b => b == 0x02 ? new byte[] { 0xC3, 0x28, 0xED, 0xA0, 0x80, 0xFF } : [b]).ToArray();
        switch (random.Next(20))
        {
            case 0:
                return bytes[..random.Next(bytes.Length + 1)];
            case 1 when bytes.Length > 0:
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                return bytes;
            default:
                return bytes;
        }
    }

    // The form a placeholder takes inside JSON text written by System.Text.Json (control characters escaped).
    private static string Escape(string placeholder) => System.Text.Json.JsonSerializer.Serialize(placeholder)[1..^1];

    private static HttpContent Multipart(byte[] onnx, string card, Random random)
    {
        var form = new MultipartFormDataContent("fuzz" + random.Next(1_000_000).ToString(CultureInfo.InvariantCulture));
        // A valid model deploys and loads a session: legitimate growth, kept rare so the memory check measures leaks.
        var model = random.Next(40) switch
        {
            0 => onnx,
            1 => onnx[..random.Next(onnx.Length)],
            2 => [],
            _ => Flip(onnx, random),
        };
        var part = new ByteArrayContent(model);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        if (random.Next(8) > 0)
        {
            form.Add(part, random.Next(10) == 0 ? "modell" : "model", "model.onnx");
        }

        if (random.Next(4) > 0)
        {
            var document = JsonNode.Parse(card);
            for (var m = random.Next(0, 3); m > 0; m--)
            {
                document = JsonMutator.Mutate(document, random, Hostile);
            }

            form.Add(new ByteArrayContent(Hostilize(document?.ToJsonString() ?? "null", random)), "card");
        }

        foreach (var field in new[] { "version", "stage" })
        {
            if (random.Next(3) == 0)
            {
                var value = random.Next(5) switch
                {
                    0 => "\u0002",
                    1 => "archived",
                    2 => "staging",
                    3 => new string('9', random.Next(1, 40)),
                    _ => "",
                };
                form.Add(new ByteArrayContent(Hostilize(value.Replace("\u0002", BadUtf8, StringComparison.Ordinal), random)), field);
            }
        }

        if (random.Next(5) > 0)
        {
            return form;
        }

        // A truncated or corrupted multipart stream under the original boundary.
        var bytes = form.ReadAsByteArrayAsync().GetAwaiter().GetResult();
        var cut = new ByteArrayContent(random.Next(2) == 0 ? bytes[..random.Next(bytes.Length + 1)] : Flip(bytes, random));
        cut.Headers.ContentType = form.Headers.ContentType;
        form.Dispose();
        return cut;
    }

    private static byte[] Flip(byte[] bytes, Random random)
    {
        var copy = (byte[])bytes.Clone();
        for (var k = random.Next(1, 8); k > 0 && copy.Length > 0; k--)
        {
            copy[random.Next(copy.Length)] = (byte)random.Next(256);
        }

        return copy;
    }

    private static string Fill(string template, string[] kinds, Random random)
    {
        var path = template;
        path = path.Replace("{model}", random.Next(5) == 0 ? "unknown-" + random.Next(1_000_000).ToString(CultureInfo.InvariantCulture) : PathModels[random.Next(PathModels.Length)], StringComparison.Ordinal);
        path = path.Replace("{version}", random.Next(6) switch { 0 => "2", 1 => "999", 2 => "%ED%A0%80", 3 => "-1", _ => "1" }, StringComparison.Ordinal);
        path = path.Replace("{kind}", kinds[random.Next(kinds.Length)], StringComparison.Ordinal);
        path = path.Replace("{device}", random.Next(2) == 0 ? "dev-1" : "%FF", StringComparison.Ordinal);
        foreach (var id in new[] { "{id}", "{documentName}" })
        {
            path = path.Replace(id, random.Next(4) switch { 0 => "1", 1 => "%ED%A0%80", 2 => "99999999999999999999", _ => random.Next(1000).ToString(CultureInfo.InvariantCulture) }, StringComparison.Ordinal);
        }

        return path;
    }

    private static string QueryValue(Random random) => random.Next(12) switch
    {
        0 => "-1",
        1 => "0",
        2 => "99999999999999999999",
        3 => "%ED%A0%80",
        4 => "%FF",
        5 => "7d",
        6 => "1h",
        7 => "2026-12-06T00:00:00Z",
        8 => "abc",
        9 => "credit-risk",
        10 => "true",
        _ => random.Next(1, 500).ToString(CultureInfo.InvariantCulture),
    };
}
