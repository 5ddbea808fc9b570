using Warden.Cli;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Cli;

/// <summary>
/// The native <c>warden</c> (src/Warden.Cli.Native) runs the client commands through <see cref="ClientCommands"/> alone and
/// hands every other command line to the full CLI: the two paths print the same thing.
/// </summary>
public sealed class NativeClientTests(WardenFactory factory) : IClassFixture<WardenFactory>
{
    private const string Applicant = "{\"pirat\":0.221,\"hirat\":0.221,\"lvrat\":0.8,\"chist\":5,\"mhist\":2,\"phist\":0,\"unemp\":3.9,\"selfemp\":0,\"insurance\":0,\"condomin\":0,\"single\":0,\"hschool\":1}";

    public static TheoryData<string[]> ClientCommandLines => new()
    {
        // A V2 request with an id: the answer echoes it, so two runs print the same document.
        { new[] { "predict", "credit-risk", "--input", V2Request() } },
        { new[] { "explain", "credit-risk", "--input", Applicant } },
        { new[] { "explain", "credit-risk", "--input", Applicant, "--json" } },
        { new[] { "models", "list" } },
        { new[] { "models", "show", "credit-risk" } },
        { new[] { "predict", "credit-risk", "--input", Applicant.Replace("\"lvrat\":0.8", "\"lvrat\":\"high\"", StringComparison.Ordinal) } },
        { new[] { "predict", "--help" } },
        { new[] { "models", "nonsense" } },
    };

    [Theory]
    [MemberData(nameof(ClientCommandLines))]
    public async Task A_client_command_prints_the_same_through_the_native_path_and_the_full_cli(string[] args)
    {
        var full = await factory.RunCliAsync(WardenFactory.AdminKey, args);
        var native = await factory.RunClientCommandAsync(WardenFactory.AdminKey, args);

        Assert.Equal(full, native);
    }

    [Fact]
    public async Task Predict_on_the_demo_model_through_the_native_path_prints_the_v2_answer()
    {
        var (code, output, error) = await factory.RunClientCommandAsync(WardenFactory.AdminKey, "predict", "credit-risk", "--input", V2Request());

        Assert.True(code == 0, error);
        Assert.Contains("\"model_name\": \"credit-risk\"", output, StringComparison.Ordinal);
        Assert.Contains("\"id\": \"native-1\"", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("predict", "predict", "credit-risk", "--input", "{}")]
    [InlineData("models", "--url", "http://127.0.0.1:1", "models", "list")]
    [InlineData("keys", "--key", "keys", "keys", "list", "--json")]
    [InlineData("usage", "-h", "usage")]
    public void The_native_executable_runs_a_command_line_whose_first_word_is_a_client_command(string expected, params string[] args) =>
        Assert.Equal(expected, ClientCommands.All[ClientCommands.Named(args)].Name);

    [Theory]
    [InlineData("serve", "--urls", "http://127.0.0.1:8080")]
    [InlineData("train", "--name", "predict")]
    [InlineData("--key", "predict", "drift", "report")]
    [InlineData("--help")]
    [InlineData("--version")]
    [InlineData("prdict", "credit-risk")]
    public void The_native_executable_hands_every_other_command_line_to_the_full_cli(params string[] args) =>
        Assert.Equal(-1, ClientCommands.Named(args));

    private static string V2Request() =>
        "{\"id\":\"native-1\",\"inputs\":[" + string.Join(",", V2Requests.CreditRiskInputs.Select(n => $"{{\"name\":\"{n}\",\"datatype\":\"FP32\",\"shape\":[1,1],\"data\":[1]}}")) + "]}";
}
