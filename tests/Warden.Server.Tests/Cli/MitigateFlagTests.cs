namespace Warden.Server.Tests.Cli;

/// <summary>Bad values of <c>warden mitigate</c>'s adversarial regularisation flags: one line on stderr and exit code 1, nothing written.</summary>
public sealed class MitigateFlagTests
{
    [Theory]
    [InlineData("--weight-decay", "-1", "--weight-decay must be a finite number >= 0.")]
    [InlineData("--weight-decay", "NaN", "--weight-decay must be a finite number >= 0.")]
    [InlineData("--weight-decay", "Infinity", "--weight-decay must be a finite number >= 0.")]
    [InlineData("--early-stopping", "1", "--early-stopping needs 0 (off) or 2-100 folds; got 1.")]
    [InlineData("--early-stopping", "-3", "--early-stopping needs 0 (off) or 2-100 folds; got -3.")]
    [InlineData("--early-stopping", "101", "--early-stopping needs 0 (off) or 2-100 folds; got 101.")]
    public async Task Bad_regularisation_flag_is_refused_with_one_line_and_exit_code_1(string flag, string value, string message)
    {
        var output = Path.Combine(Path.GetTempPath(), "warden-mitigate-flag-" + Guid.NewGuid().ToString("N"));

        var (code, _, error) = await CsvInputTests.RunProcessAsync("mitigate", "--data", Warden.Tests.RepoFiles.Path("samples/data/cps1985.csv"),
            "--label", "wage", "--positive", ">7.78", "--sensitive", "gender", "--mitigation", "adversarial", "--out", output, flag, value);

        Assert.Equal(1, code);
        Assert.Equal($"warden mitigate: {message}", error.TrimEnd());
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public async Task Early_stopping_with_polyak_averaging_is_refused()
    {
        var output = Path.Combine(Path.GetTempPath(), "warden-mitigate-flag-" + Guid.NewGuid().ToString("N"));

        var (code, _, error) = await CsvInputTests.RunProcessAsync("mitigate", "--data", Warden.Tests.RepoFiles.Path("samples/data/cps1985.csv"),
            "--label", "wage", "--positive", ">7.78", "--sensitive", "gender", "--mitigation", "adversarial", "--out", output,
            "--early-stopping", "5", "--adversary-average", "0.5");

        Assert.Equal(1, code);
        Assert.Equal("warden mitigate: --early-stopping returns one epoch's predictor; it cannot be combined with --adversary-average.", error.TrimEnd());
        Assert.False(Directory.Exists(output));
    }
}
