using System.Net.Http.Json;
using Spectre.Console;
using Warden.Cli;
using Warden.Contracts.Admin;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Privacy;

public sealed class PrivacyCommandTests
{
    private static readonly string Key = Convert.ToBase64String(Enumerable.Range(7, 32).Select(i => (byte)i).ToArray());

    [Fact]
    public async Task Privacy_commands_show_rows_per_key_and_reencrypt_reports_nothing_left_under_other_keys()
    {
        using var factory = new WardenFactory();
        factory.Settings["Warden:Privacy:Encryption:Keys:3"] = Key;
        Assert.Equal(System.Net.HttpStatusCode.OK, (await factory.Admin().InferAsync(V2Requests.CreditRisk(id: "cli-1"))).StatusCode);
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var page = await factory.Admin().GetFromJsonAsync<Page<PredictionRecordInfo>>("/api/predictions?limit=10");
            if (page!.Items.Count > 0)
            {
                break;
            }

            await Task.Delay(25);
        }

        var (code, text) = await RunAsync(factory, "privacy", "keys");
        Assert.Equal(0, code);
        Assert.Contains("encryption: on, active key 3", text, StringComparison.Ordinal);
        Assert.Matches(@"predictions\s*│\s*3\s*│\s*1\s*│\s*yes\s*│\s*yes", text);

        (code, text) = await RunAsync(factory, "privacy", "reencrypt");
        Assert.Equal(0, code);
        Assert.Contains("re-encrypted 0 predictions and 0 review items under key 3 in 0 batches; 0 rows not under it", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reencrypt_without_keys_fails_with_one_line()
    {
        using var factory = new WardenFactory();
        var error = new StringWriter();
        var context = new CliContext { Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(new StringWriter()) }), Error = error, HttpClientFactory = _ => factory.CreateClient() };
        var code = await WardenCli.RunAsync(["privacy", "reencrypt", "--url", "http://localhost", "--key", WardenFactory.AdminKey], context);
        Assert.NotEqual(0, code);
        Assert.Contains("encryption is not configured", error.ToString(), StringComparison.Ordinal);
        Assert.Single(error.ToString().Trim().Split('\n'));
    }

    private static async Task<(int Code, string Text)> RunAsync(WardenFactory factory, params string[] args)
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 200;
        var context = new CliContext { Console = console, Error = new StringWriter(), HttpClientFactory = _ => factory.CreateClient() };
        var code = await WardenCli.RunAsync([.. args, "--url", "http://localhost", "--key", WardenFactory.AdminKey], context);
        return (code, output.ToString());
    }
}
