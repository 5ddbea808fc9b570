using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Warden.Contracts.Admin;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Privacy;

public sealed class PrivacyAtRestTests
{
    // Two fixed AES-256 keys (32 bytes each) and an HMAC key, as an operator would paste them from `openssl rand -base64 32`.
    private static readonly string KeyA = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private static readonly string KeyB = Convert.ToBase64String(Enumerable.Range(101, 32).Select(i => (byte)i).ToArray());
    private static readonly byte[] HmacKey = Enumerable.Range(200, 32).Select(i => (byte)i).ToArray();

    private static readonly string[] Secrets = ["Zebra-Unicorn-7731", "alice@example.com", "Xylophonist", "98765.4321"];

    [Fact]
    public async Task With_a_key_configured_no_plaintext_payload_reaches_the_database_and_the_api_returns_it_decrypted()
    {
        using var factory = new WardenFactory();
        factory.Settings["Warden:Privacy:Encryption:Keys:1"] = KeyA;
        var admin = factory.Admin();
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync("/api/models/echo/versions", Deploy.Form(TestModels.EchoAllTypes(), stage: "production"))).StatusCode);

        var texts = new JsonArray("Zebra-Unicorn-7731", "mail alice@example.com", "", "x");
        var echo = await admin.InferAsync(EchoRequest("enc-1", texts, fp64: [98765.4321, 1, 2, 3]), "echo");
        Assert.Equal(HttpStatusCode.OK, echo.StatusCode);
        var parameters = new JsonObject { ["sensitive.race"] = "Xylophonist" };
        Assert.Equal(HttpStatusCode.OK, (await admin.InferAsync(V2Requests.CreditRisk(id: "enc-2", parameters: parameters))).StatusCode);

        var stored = await WaitForAsync(admin, "echo", "enc-1");
        var bytes = Tensor(stored.Inputs, "in_bytes");
        Assert.Equal("Zebra-Unicorn-7731", bytes[0].GetString());
        Assert.Equal("mail [EMAIL]", bytes[1].GetString());
        Assert.Equal(98765.4321, Tensor(stored.Inputs, "in_fp64")[0].GetDouble());
        Assert.Equal("mail alice@example.com", Tensor(stored.Outputs, "out_bytes")[1].GetString());
        var risk = await WaitForAsync(admin, "credit-risk", "enc-2");
        Assert.Equal("Xylophonist", risk.Sensitive["race"]);

        var dump = DumpDatabase(factory.DataDir);
        foreach (var secret in Secrets)
        {
            Assert.DoesNotContain(secret, dump, StringComparison.Ordinal);
        }

        foreach (var file in Directory.GetFiles(factory.DataDir, "warden.db*"))
        {
            var raw = Encoding.Latin1.GetString(ReadShared(file));
            foreach (var secret in Secrets)
            {
                Assert.DoesNotContain(secret, raw, StringComparison.Ordinal);
            }
        }

        var keys = await (await admin.GetAsync("/api/privacy/keys")).ReadJsonAsync();
        Assert.True(keys.GetProperty("encryption").GetBoolean());
        Assert.Equal(1, keys.GetProperty("activeKeyId").GetInt32());
        Assert.Contains(keys.GetProperty("rows").EnumerateArray(), r => r.GetProperty("table").GetString() == "predictions" && r.GetProperty("keyId").GetInt32() == 1 && r.GetProperty("rows").GetInt64() == 2);
    }

    [Fact]
    public async Task Rows_under_an_old_key_stay_readable_are_moved_by_reencrypt_and_then_the_old_key_can_go()
    {
        using var temp = new TempDataDir();
        var dir = temp.Path;
        // Plaintext rows from before encryption was turned on, then rows under key A.
        await WriteAsync(dir, [], ["plain-1"]);
        await WriteAsync(dir, new() { ["Warden:Privacy:Encryption:Keys:1"] = KeyA }, ["a-1", "a-2"]);

        var both = new Dictionary<string, string?>
        {
            ["Warden:Privacy:Encryption:Keys:1"] = KeyA, ["Warden:Privacy:Encryption:Keys:2"] = KeyB, ["Warden:Privacy:Encryption:ActiveKeyId"] = "2",
        };
        using (var factory = Factory(dir, both))
        {
            var admin = factory.Admin();
            Assert.Equal(HttpStatusCode.OK, (await admin.InferAsync(V2Requests.CreditRisk(id: "b-1", parameters: new JsonObject { ["sensitive.race"] = "race-b-1" }))).StatusCode);
            await WaitForAsync(admin, "credit-risk", "b-1");
            await AssertAllReadableAsync(admin, "plain-1", "a-1", "a-2", "b-1");
            Assert.Equal(new Dictionary<string, long> { ["none"] = 1, ["1"] = 2, ["2"] = 1 }, await RowsByKeyAsync(admin));

            var consumer = await CreateKeyAsync(admin, "consumer");
            Assert.Equal(HttpStatusCode.Forbidden, (await factory.Authorized(consumer).PostAsync("/api/privacy/reencrypt", null)).StatusCode);
            var run = await (await admin.PostAsync("/api/privacy/reencrypt", null)).ReadJsonAsync();
            Assert.Equal(3, run.GetProperty("predictions").GetInt64());
            Assert.Equal(2, run.GetProperty("activeKeyId").GetInt32());
            Assert.Equal(0, run.GetProperty("remaining").GetArrayLength());
            Assert.Equal(new Dictionary<string, long> { ["2"] = 4 }, await RowsByKeyAsync(admin));
            await AssertAllReadableAsync(admin, "plain-1", "a-1", "a-2", "b-1");
            var audit = await (await admin.GetAsync("/api/audit?limit=1000")).ReadJsonAsync();
            Assert.Contains(audit.GetProperty("items").EnumerateArray(), e => e.GetProperty("action").GetString() == "privacy.reencrypt");
        }

        // Key A removed: everything is under B, so the server starts and reads every row.
        using (var factory = Factory(dir, new() { ["Warden:Privacy:Encryption:Keys:2"] = KeyB }))
        {
            await AssertAllReadableAsync(factory.Admin(), "plain-1", "a-1", "a-2", "b-1");
        }

        // Only the wrong key, or no key at all: startup stops with a message naming the missing key.
        foreach (var settings in new Dictionary<string, string?>[] { new() { ["Warden:Privacy:Encryption:Keys:1"] = KeyA }, new() })
        {
            using var factory = Factory(dir, settings);
            var error = Record.Exception(() => factory.CreateClient());
            Assert.NotNull(error);
            Assert.Contains("4 predictions rows under key 2", error!.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task With_background_reencryption_a_restart_with_a_new_active_key_moves_every_row_to_it()
    {
        using var temp = new TempDataDir();
        var dir = temp.Path;
        await WriteAsync(dir, [], ["plain-1"]);
        await WriteAsync(dir, new() { ["Warden:Privacy:Encryption:Keys:1"] = KeyA }, ["a-1", "a-2", "a-3"]);

        using var factory = Factory(dir, new()
        {
            ["Warden:Privacy:Encryption:Keys:1"] = KeyA, ["Warden:Privacy:Encryption:Keys:2"] = KeyB, ["Warden:Privacy:Encryption:ActiveKeyId"] = "2",
            ["Warden:Privacy:ReencryptInBackground"] = "true", ["Warden:Privacy:ReencryptBatchSize"] = "2", ["Warden:Privacy:ReencryptPause"] = "00:00:00.010",
        });
        var admin = factory.Admin();
        var rows = await RowsByKeyAsync(admin);
        for (var attempt = 0; attempt < 200 && !(rows.Count == 1 && rows.ContainsKey("2")); attempt++)
        {
            await Task.Delay(25, TestContext.Current.CancellationToken);
            rows = await RowsByKeyAsync(admin);
        }

        Assert.Equal(new Dictionary<string, long> { ["2"] = 4 }, rows);
        await AssertAllReadableAsync(admin, "plain-1", "a-1", "a-2", "a-3");
        var audit = await (await admin.GetAsync("/api/audit?limit=1000")).ReadJsonAsync();
        var run = Assert.Single(audit.GetProperty("items").EnumerateArray(), e => e.GetProperty("action").GetString() == "privacy.reencrypt");
        Assert.Equal("system", run.GetProperty("actor").GetString());
    }

    [Fact]
    public async Task Card_redaction_hashes_with_the_configured_hmac_key_drops_features_and_pii_is_replaced_while_the_answer_is_unchanged()
    {
        using var factory = new WardenFactory();
        factory.Settings["Warden:Privacy:HashKey"] = Convert.ToBase64String(HmacKey);
        var admin = factory.Admin();
        var card = """
            {"name":"echo","features":[{"name":"in_fp64","redaction":"hash"},{"name":"in_int32","redaction":"drop"},{"name":"in_bytes","redaction":"keep"}]}
            """;
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync("/api/models/echo/versions", Deploy.Form(TestModels.EchoAllTypes(), card, stage: "production"))).StatusCode);

        var texts = new JsonArray("mail alice@example.com now", "call +44 20 7946 0958", "card 4111 1111 1111 1111", "order 1234567890123");
        var response = await admin.InferAsync(EchoRequest("red-1", texts, fp64: [0.5, -2.25, 1.7e308, 1e-300]), "echo");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = (await response.ReadJsonAsync()).GetProperty("outputs");
        Assert.Equal("card 4111 1111 1111 1111", Tensor(answer, "out_bytes")[2].GetString());
        Assert.Equal(-2.25, Tensor(answer, "out_fp64")[1].GetDouble());

        var stored = await WaitForAsync(admin, "echo", "red-1");
        var names = stored.Inputs.EnumerateArray().Select(i => i.GetProperty("name").GetString()).ToList();
        Assert.DoesNotContain("in_int32", names);
        Assert.Contains("in_int64", names);

        // Independent HMAC-SHA256 over UTF-8 "in_fp64" ‖ 0x1F ‖ round-trip text of each value, first 16 bytes in hex.
        var expected = new[] { "0.5", "-2.25", "1.7E+308", "1E-300" }
            .Select(v => "hmac:" + Convert.ToHexStringLower(HMACSHA256.HashData(HmacKey, Encoding.UTF8.GetBytes("in_fp64\u001f" + v)).AsSpan(0, 16)));
        var hashed = stored.Inputs.EnumerateArray().Single(i => i.GetProperty("name").GetString() == "in_fp64");
        Assert.Equal("BYTES", hashed.GetProperty("datatype").GetString());
        Assert.Equal(expected, hashed.GetProperty("data").EnumerateArray().Select(v => v.GetString()));

        var text = Tensor(stored.Inputs, "in_bytes").Select(v => v.GetString()!).ToArray();
        Assert.Equal(["mail [EMAIL] now", "call [PHONE]", "card [CARD]", "order 1234567890123"], text);
    }

    [Fact]
    public async Task A_card_with_an_unknown_redaction_action_is_refused_at_deploy()
    {
        using var factory = new WardenFactory();
        var card = """{"name":"echo","features":[{"name":"in_fp64","redaction":"hsah"}]}""";
        var response = await factory.Admin().PostAsync("/api/models/echo/versions", Deploy.Form(TestModels.EchoAllTypes(), card, stage: "production"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Unknown redaction action 'hsah' for 'in_fp64'", await response.ErrorAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pii_redaction_can_be_turned_off()
    {
        using var factory = new WardenFactory();
        factory.Settings["Warden:Privacy:RedactPii"] = "false";
        var admin = factory.Admin();
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync("/api/models/echo/versions", Deploy.Form(TestModels.EchoAllTypes(), stage: "production"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.InferAsync(EchoRequest("pii-off", new JsonArray("bob@example.org", "a", "b", "c"), fp64: [1, 2, 3, 4]), "echo")).StatusCode);
        var stored = await WaitForAsync(admin, "echo", "pii-off");
        Assert.Equal("bob@example.org", Tensor(stored.Inputs, "in_bytes")[0].GetString());
    }

    private static async Task WriteAsync(string dir, Dictionary<string, string?> settings, string[] ids)
    {
        using var factory = Factory(dir, settings);
        var admin = factory.Admin();
        foreach (var id in ids)
        {
            var parameters = new JsonObject { ["sensitive.race"] = "race-" + id };
            Assert.Equal(HttpStatusCode.OK, (await admin.InferAsync(V2Requests.CreditRisk(id: id, parameters: parameters))).StatusCode);
            await WaitForAsync(admin, "credit-risk", id);
        }
    }

    private static WardenFactory Factory(string dir, Dictionary<string, string?> settings)
    {
        var factory = new WardenFactory();
        factory.Settings["Warden:DataDir"] = dir;
        foreach (var (key, value) in settings)
        {
            factory.Settings[key] = value;
        }

        return factory;
    }

    private static async Task AssertAllReadableAsync(HttpClient admin, params string[] ids)
    {
        var page = await admin.GetFromJsonAsync<Page<PredictionRecordInfo>>("/api/predictions?model=credit-risk&limit=1000");
        foreach (var id in ids)
        {
            var row = page!.Items.Single(p => p.Id == id);
            Assert.Equal("race-" + id, row.Sensitive["race"]);
            Assert.Equal(V2Requests.Applicant[0], Tensor(row.Inputs, "pirat")[0].GetDouble(), 6);
        }
    }

    private static async Task<Dictionary<string, long>> RowsByKeyAsync(HttpClient admin)
    {
        var keys = await (await admin.GetAsync("/api/privacy/keys")).ReadJsonAsync();
        return keys.GetProperty("rows").EnumerateArray()
            .Where(r => r.GetProperty("table").GetString() == "predictions")
            .ToDictionary(r => r.GetProperty("keyId").ValueKind == JsonValueKind.Null ? "none" : r.GetProperty("keyId").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture), r => r.GetProperty("rows").GetInt64());
    }

    private static async Task<string> CreateKeyAsync(HttpClient admin, string role)
    {
        var created = await admin.PostJsonAsync("/api/keys", new { name = role + "-key", role, models = new[] { "credit-risk" } });
        return (await created.ReadJsonAsync()).GetProperty("secret").GetString()!;
    }

    private static JsonObject EchoRequest(string id, JsonArray texts, double[] fp64)
    {
        var values = new Dictionary<string, JsonArray>
        {
            ["BOOL"] = new(true, false, false, true), ["UINT8"] = new(0, 1, 2, 3), ["UINT16"] = new(0, 1, 2, 3), ["UINT32"] = new(0, 1, 2, 3),
            ["UINT64"] = new(0, 1, 2, 3), ["INT8"] = new(0, 1, 2, 3), ["INT16"] = new(0, 1, 2, 3), ["INT32"] = new(7, 8, 9, 10), ["INT64"] = new(0, 1, 2, 3),
            ["FP16"] = new(0.5, 1, 2, 3), ["FP32"] = new(0.5, 1, 2, 3), ["FP64"] = new(fp64.Select(v => (JsonNode)v).ToArray()), ["BYTES"] = texts,
        };
        var inputs = new JsonArray();
        foreach (var (wire, _) in TestModels.Types)
        {
            inputs.Add(new JsonObject { ["name"] = "in_" + wire.ToLowerInvariant(), ["datatype"] = wire, ["shape"] = new JsonArray(2, 2), ["data"] = values[wire] });
        }

        return new JsonObject { ["id"] = id, ["inputs"] = inputs };
    }

    private static JsonElement[] Tensor(JsonElement tensors, string name) =>
        tensors.EnumerateArray().Single(t => t.GetProperty("name").GetString() == name).GetProperty("data").EnumerateArray().ToArray();

    private static async Task<PredictionRecordInfo> WaitForAsync(HttpClient client, string model, string id)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var page = await client.GetFromJsonAsync<Page<PredictionRecordInfo>>($"/api/predictions?model={model}&limit=1000");
            var found = page!.Items.FirstOrDefault(p => p.Id == id);
            if (found is not null)
            {
                return found;
            }

            await Task.Delay(25);
        }

        throw new TimeoutException($"prediction {id} was never logged");
    }

    private static string DumpDatabase(string dataDir)
    {
        var text = new StringBuilder();
        using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDir, "warden.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        var tables = new List<string>();
        using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
            using var reader = list.ExecuteReader();
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }

        foreach (var table in tables)
        {
            using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\"";
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                for (var c = 0; c < reader.FieldCount; c++)
                {
                    text.Append(reader.IsDBNull(c) ? "" : Convert.ToString(reader.GetValue(c) is byte[] blob ? Encoding.Latin1.GetString(blob) : reader.GetValue(c), System.Globalization.CultureInfo.InvariantCulture)).Append('\u0001');
                }
            }
        }

        return text.ToString();
    }

    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
