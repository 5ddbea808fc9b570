using Spectre.Console;
using Warden.Cli;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Policies;

public sealed class UsageCommandTests
{
    [Fact]
    public async Task Usage_command_prints_the_counted_requests_per_model()
    {
        using var factory = new WardenFactory();
        for (var i = 0; i < 3; i++)
        {
            await factory.Admin().InferAsync(V2Requests.CreditRisk());
        }

        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 200;
        var context = new CliContext { Console = console, Error = new StringWriter(), HttpClientFactory = _ => factory.CreateClient() };
        var code = await WardenCli.RunAsync(["usage", "--model", "credit-risk", "--since", "1h", "--url", "http://localhost", "--key", WardenFactory.AdminKey], context);

        Assert.Equal(0, code);
        var text = output.ToString();
        Assert.Contains("credit-risk", text);
        var total = text.Split('\n').Single(line => line.Contains("total", StringComparison.Ordinal));
        var numbers = System.Text.RegularExpressions.Regex.Matches(total, @"\d+").Select(m => m.Value).ToArray();
        Assert.True(numbers[^3..] is ["3", "0", "0"], text); // bold markup may add ANSI codes before the label
    }

    [Fact]
    public async Task Usage_command_rejects_a_malformed_since_with_one_line()
    {
        using var factory = new WardenFactory();
        var error = new StringWriter();
        var context = new CliContext { Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(new StringWriter()) }), Error = error, HttpClientFactory = _ => factory.CreateClient() };
        var code = await WardenCli.RunAsync(["usage", "--since", "soon", "--url", "http://localhost", "--key", WardenFactory.AdminKey], context);

        Assert.NotEqual(0, code);
        Assert.Contains("since", error.ToString());
    }
}
