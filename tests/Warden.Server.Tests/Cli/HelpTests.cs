using System.Diagnostics;

namespace Warden.Server.Tests.Cli;

public sealed class HelpTests
{
    [Fact]
    public async Task Help_does_not_print_the_api_key_from_the_environment()
    {
        const string secret = "wdn_help_must_not_show_this_secret_0123456789abcdefghij";
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "warden.dll"));
        info.ArgumentList.Add("models");
        info.ArgumentList.Add("--help");
        info.Environment["WARDEN_API_KEY"] = secret;
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.Contains("--key", output, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, output + error, StringComparison.Ordinal);
    }
}
