using System.Net.Http.Headers;
using System.Text;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Security;

/// <summary>Seeded malformed, truncated, nested, huge, wrongly typed and boundary-value requests to every endpoint: never a 5xx.</summary>
public sealed class FuzzTests(SecurityFixture fixture, ITestOutputHelper output) : IClassFixture<SecurityFixture>
{
    [Fact]
    public async Task Thousands_of_hostile_requests_never_cause_a_server_error()
    {
        // WARDEN_FUZZ_REQUESTS and WARDEN_FUZZ_SEED run longer or other campaigns (docs/security.md).
        var requests = int.TryParse(Environment.GetEnvironmentVariable("WARDEN_FUZZ_REQUESTS"), System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 3000;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("WARDEN_FUZZ_SEED"), System.Globalization.CultureInfo.InvariantCulture, out var parsedSeed) ? parsedSeed : 20260326;
        var random = new Random(seed);
        var roles = fixture.Keys.Keys.ToArray();
        var serverErrors = new List<string>();
        var statuses = new SortedDictionary<int, int>();
        for (var i = 0; i < requests; i++)
        {
            var (method, pattern) = fixture.Endpoints[random.Next(fixture.Endpoints.Count)];
            var path = SecurityFixture.Fill(pattern, random.Next(4) switch
            {
                0 => SecurityFixture.OwnModel,
                1 => SecurityFixture.OtherModel,
                2 => Uri.EscapeDataString(Garbage(random, random.Next(1, 40)).Replace("\u0000", "", StringComparison.Ordinal)),
                _ => new string('a', random.Next(1, 3000)),
            });
            if (random.Next(5) == 0)
            {
                path += "?limit=" + Number(random) + "&after=" + Number(random) + "&since=" + Uri.EscapeDataString(Garbage(random, 8)) + "&model=" + Uri.EscapeDataString(Garbage(random, 5));
            }

            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            var body = Body(random);
            if (body is not null && method is "POST" or "PUT" or "DELETE")
            {
                request.Content = new ByteArrayContent(body);
                request.Content.Headers.ContentType = random.Next(6) == 0 ? new MediaTypeHeaderValue("multipart/form-data") : new MediaTypeHeaderValue("application/json");
            }

            if (random.Next(8) == 0)
            {
                request.Headers.TryAddWithoutValidation("X-Warden-Purpose", Garbage(random, random.Next(0, 300)));
            }

            var client = random.Next(10) == 0 ? fixture.Factory.CreateClient() : fixture.Factory.Authorized(fixture.Keys[roles[random.Next(roles.Length)]]);
            var response = await client.SendAsync(request);
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            if (status >= 500)
            {
                serverErrors.Add($"{method} {path[..Math.Min(path.Length, 120)]} body={(body is null ? "none" : Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 200)))} → {status} {await response.Content.ReadAsStringAsync()}");
            }
        }

        output.WriteLine($"seed {seed}; requests: {requests}; 5xx: {serverErrors.Count}; statuses: {string.Join(", ", statuses.Select(s => $"{s.Key}×{s.Value}"))}");
        Assert.True(serverErrors.Count == 0, string.Join("\n", serverErrors.Take(20)));
        var admin = fixture.Factory.Admin();
        Assert.Equal(System.Net.HttpStatusCode.OK, (await fixture.Factory.CreateClient().GetAsync("/v2/health/ready")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await admin.GetAsync("/api/audit/verify")).StatusCode);
    }

    private static string Number(Random random) => random.Next(6) switch
    {
        0 => "-1",
        1 => "0",
        2 => "99999999999999999999",
        3 => long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        4 => "abc",
        _ => random.Next(1, 2000).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static string Garbage(Random random, int length)
    {
        const string alphabet = "abcXYZ019-_.:/%{}[]\"'\\ <>&?#éλ\u0001\u007f";
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = alphabet[random.Next(alphabet.Length)];
        }

        return new string(chars);
    }

    private static byte[]? Body(Random random)
    {
        var valid = V2Requests.CreditRisk().ToJsonString();
        string? text = random.Next(16) switch
        {
            0 => null,
            1 => "",
            2 => valid[..random.Next(valid.Length)],
            3 => new string('[', 5000) + new string(']', 5000),
            4 => "{\"a\":" + string.Concat(Enumerable.Repeat("{\"a\":", 3000)) + "1" + new string('}', 3001),
            5 => "{\"inputs\":\"x\"}",
            6 => "{\"inputs\":[{\"name\":\"pirat\",\"shape\":[-1],\"datatype\":\"FP32\",\"data\":[1]}]}",
            7 => "{\"inputs\":[{\"name\":\"pirat\",\"shape\":[2147483647,2147483647],\"datatype\":\"FP32\",\"data\":[]}]}",
            8 => "{\"inputs\":[{\"name\":\"pirat\",\"shape\":[1],\"datatype\":\"NOPE\",\"data\":{}}],\"parameters\":{\"purpose\":7}}",
            9 => valid.Replace("0.221", "1e400", StringComparison.Ordinal).Replace("\"FP32\"", "\"BYTES\"", StringComparison.Ordinal),
            10 => "{\"name\":" + new string('x', 1) + ",\"role\":[],\"models\":[null],\"purposes\":[null,\"\"],\"rateLimit\":\"fast\",\"burst\":1e99}",
            11 => "{\"name\":\"k\",\"role\":\"consumer\",\"models\":[null],\"purposes\":[\"x:\"],\"rateLimit\":0.000001,\"dailyQuota\":9223372036854775807}",
            12 => "{\"items\":[{\"id\":null,\"label\":{}}],\"stage\":[],\"reason\":1,\"mode\":\"top-class\",\"decimals\":99,\"inputs\":{\"x\":null}}",
            13 => "{\"requirePurpose\":\"yes\",\"action\":\"flag\",\"inputs\":{\"pirat\":{\"min\":5,\"max\":1,\"denyPatterns\":[\"(\",null]}}}",
            14 => "\"" + new string('x', 2_000_000) + "\"",
            _ => null,
        };
        if (text is null)
        {
            var bytes = new byte[random.Next(0, 4096)];
            random.NextBytes(bytes);
            return bytes;
        }

        return Encoding.UTF8.GetBytes(text);
    }
}
