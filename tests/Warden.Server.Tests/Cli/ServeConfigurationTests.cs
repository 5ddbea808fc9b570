using System.Net;
using System.Net.Http.Headers;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Cli;

/// <summary>The real <c>warden serve</c>: configuration precedence and start-up errors.</summary>
public sealed class ServeConfigurationTests : IDisposable
{
    private const string Key = "wdn_serve_config_key_0123456789abcdefghijklmnopqrs";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "warden-serve-config-" + Guid.NewGuid().ToString("N"));

    private static CancellationToken Bounded()
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        source.CancelAfter(TimeSpan.FromMinutes(3));
        return source.Token;
    }

    [Fact]
    public async Task Command_line_beats_environment_which_beats_appsettings_and_flags_override_only_when_given()
    {
        var fromEnvironment = Path.Combine(_root, "env");
        var fromArgument = Path.Combine(_root, "arg");
        var fromFlag = Path.Combine(_root, "flag");
        var environment = new Dictionary<string, string>
        {
            ["WARDEN_ADMIN_KEY"] = Key,
            ["Warden__DataDir"] = fromEnvironment,
            ["Warden__LoadDemoModels"] = "false",
        };

        // appsettings.json says LoadDemoModels=true; the environment says false; --Warden:DataDir beats Warden__DataDir.
        var port = WardenProcess.FreePort();
        using (var server = WardenProcess.Serve(environment, "--urls", $"http://127.0.0.1:{port}", $"--Warden:DataDir={fromArgument}"))
        {
            using var client = Client(port);
            await server.WaitReadyAsync(client);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/v2/models/credit-risk", TestContext.Current.CancellationToken)).StatusCode);
            Assert.True(File.Exists(Path.Combine(fromArgument, "warden.db")));
            Assert.False(Directory.Exists(fromEnvironment));
        }

        // Flags given explicitly win over everything: --data-dir over --Warden:DataDir, --demo over the environment.
        port = WardenProcess.FreePort();
        using (var server = WardenProcess.Serve(environment, "--Warden:DataDir", fromArgument, "--data-dir", fromFlag, "--demo", "--urls", $"http://127.0.0.1:{port}"))
        {
            using var client = Client(port);
            await server.WaitReadyAsync(client);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v2/models/credit-risk", TestContext.Current.CancellationToken)).StatusCode);
            Assert.True(File.Exists(Path.Combine(fromFlag, "warden.db")));
        }
    }

    [Theory]
    [InlineData("--Warden:PredictionLog:Durability", "fast", "Warden:PredictionLog:Durability", "acknowledged, async")]
    [InlineData("--Warden:LoadDemoModels", "maybe", "Warden:LoadDemoModels", "true, false")]
    [InlineData("--Warden:PredictionLog:BatchSize", "0", "BatchSize", "between 1 and 100000")]
    public async Task Invalid_option_value_prints_one_line_naming_it_and_its_allowed_values_and_exits_1(string option, string value, string named, string allowed)
    {
        using var server = WardenProcess.Serve("--data-dir", Path.Combine(_root, "bad"), "--urls", $"http://127.0.0.1:{WardenProcess.FreePort()}", option, value);
        Assert.Equal(1, await server.WaitForExitAsync(Bounded()));
        var lines = server.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(named, line, StringComparison.Ordinal);
        Assert.Contains(allowed, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Data_dir_that_cannot_be_written_names_the_path_and_exits_1()
    {
        // A directory below a regular file cannot be created, even by root (tests may run as root, where chmod is no barrier).
        Directory.CreateDirectory(_root);
        var file = Path.Combine(_root, "not-a-directory");
        await File.WriteAllTextAsync(file, "", TestContext.Current.CancellationToken);
        var dataDir = Path.Combine(file, "data");
        using var server = WardenProcess.Serve("--data-dir", dataDir, "--urls", $"http://127.0.0.1:{WardenProcess.FreePort()}");
        Assert.Equal(1, await server.WaitForExitAsync(Bounded()));
        var line = Assert.Single(server.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains($"'{dataDir}' is not writable", line, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, true);
        }
    }

    private static HttpClient Client(int port)
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        return client;
    }
}
