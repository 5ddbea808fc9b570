using Spectre.Console;
using Warden.Cli;
using Warden.Core.Bundles;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Edge;

public sealed class PackCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "warden-pack-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public async Task Pack_reads_a_version_from_the_server_quantises_and_signs_it()
    {
        using var factory = new WardenFactory();
        var console = Quiet();
        var context = new CliContext { Console = console, Error = new StringWriter(), HttpClientFactory = _ => factory.CreateClient() };
        var key = Path.Combine(_dir, "signer.pem");
        var bundle = Path.Combine(_dir, "cr.wdn");
        Assert.Equal(0, await WardenCli.RunAsync(["keygen", "--out", key], context));
        Assert.Equal(0, await WardenCli.RunAsync(
            ["pack", "credit-risk:1", "--url", "http://localhost", "--key", WardenFactory.AdminKey, "--out", bundle, "--sign-key", key, "--quantize", "int8", "--expires", "2d"], context));

        using var trusted = new TrustedKeys();
        trusted.AddPem(File.ReadAllText(Path.Combine(_dir, "signer.pub.pem")));
        var verified = new BundleVerifier(trusted, TimeProvider.System).Verify(File.ReadAllBytes(bundle));
        Assert.Equal("credit-risk", verified.Manifest.Model);
        Assert.Equal("1", verified.Manifest.Version);
        Assert.Equal("int8 dynamic perchannel", verified.Manifest.Quantization);
        Assert.InRange(verified.Manifest.ExpiresAt - verified.Manifest.CreatedAt, TimeSpan.FromDays(2), TimeSpan.FromDays(2));
        Assert.True(verified.Model.AsSpan().IndexOf("MatMulInteger"u8) >= 0, "the packed model is not the quantised one");
    }

    [Fact]
    public async Task Pack_refuses_a_public_key_as_signing_key_with_one_line()
    {
        var error = new StringWriter();
        var context = new CliContext { Console = Quiet(), Error = error };
        Assert.Equal(0, await WardenCli.RunAsync(["keygen", "--out", Path.Combine(_dir, "k.pem")], context));
        var code = await WardenCli.RunAsync(
            ["pack", "credit-risk", "--from-dir", Warden.Tests.RepoFiles.Path("samples/models/credit-risk/1"), "--out", Path.Combine(_dir, "x.wdn"), "--sign-key", Path.Combine(_dir, "k.pub.pem")], context);
        Assert.NotEqual(0, code);
        Assert.StartsWith("error: --sign-key must be a private key", error.ToString(), StringComparison.Ordinal);
    }

    private static IAnsiConsole Quiet() => AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(new StringWriter()) });
}
